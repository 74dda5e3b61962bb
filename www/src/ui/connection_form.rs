//! The connection form: where the broker is, who the client is, and the session's options.
//! Changes apply on the next Connect.

use leptos::prelude::*;
use wasmqtt::codec::ProtocolVersion;

use super::state::Conn;
use super::t;
use crate::model::{ConnectionSettings, Scheme};

/// A text field bound to one settings field.
pub(super) fn text_field(
    conn: Conn,
    label: &'static str,
    input_type: &'static str,
    get: fn(&ConnectionSettings) -> String,
    set: fn(&mut ConnectionSettings, String),
) -> impl IntoView {
    view! {
        <label>{t(label)}
            <input
                aria-label=t(label)
                type=input_type
                prop:value=move || conn.settings.with(get)
                on:input=move |ev| conn.settings.update(|s| set(s, event_target_value(&ev)))
            />
        </label>
    }
}

/// A number field bound to one settings field; what does not parse is ignored.
pub(super) fn number_field(
    conn: Conn,
    label: &'static str,
    get: fn(&ConnectionSettings) -> u32,
    set: fn(&mut ConnectionSettings, u32),
) -> impl IntoView {
    view! {
        <label>{t(label)}
            <input
                aria-label=t(label)
                type="number"
                min="0"
                prop:value=move || conn.settings.with(get).to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse() { conn.settings.update(|s| set(s, v)) }
                }
            />
        </label>
    }
}

/// A checkbox bound to one settings field.
pub(super) fn check_field(
    conn: Conn,
    label: &'static str,
    get: fn(&ConnectionSettings) -> bool,
    set: fn(&mut ConnectionSettings, bool),
) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" prop:checked=move || conn.settings.with(get)
                on:change=move |ev| conn.settings.update(|s| set(s, event_target_checked(&ev))) />
            {t(label)}
        </label>
    }
}

/// A multi-line text field bound to one settings field.
pub(super) fn text_area(
    conn: Conn,
    label: &'static str,
    get: fn(&ConnectionSettings) -> String,
    set: fn(&mut ConnectionSettings, String),
) -> impl IntoView {
    view! {
        <label class="wide">{t(label)}
            <textarea aria-label=t(label) prop:value=move || conn.settings.with(get)
                on:input=move |ev| conn.settings.update(|s| set(s, event_target_value(&ev)))></textarea>
        </label>
    }
}

#[component]
pub(super) fn ConnectionForm(conn: Conn) -> impl IntoView {
    let plain_ws = move || conn.settings.with(|s| s.scheme == Scheme::Ws);
    let has_credentials =
        move || conn.settings.with(|s| !s.username.is_empty() || !s.password.is_empty());
    let page_is_https =
        web_sys::window().and_then(|w| w.location().protocol().ok()).is_some_and(|p| p == "https:");
    view! {
        <form class="connection-form" aria-label=t("Connection settings") on:submit=|ev| ev.prevent_default()>
            <fieldset>
                <legend>{t("General")}</legend>
                {text_field(conn, "Name", "text", |s| s.name.clone(), |s, v| s.name = v)}
                <label>{t("Protocol")}
                    <select aria-label=t("Protocol")
                        prop:value=move || if plain_ws() { "ws://" } else { "wss://" }
                        on:change=move |ev| conn.settings.update(|s| s.scheme = if event_target_value(&ev) == "wss://" { Scheme::Wss } else { Scheme::Ws })
                    >
                        <option value="ws://">"ws://"</option>
                        <option value="wss://">"wss://"</option>
                    </select>
                </label>
                {text_field(conn, "Host", "text", |s| s.host.clone(), |s, v| s.host = v)}
                {number_field(conn, "Port", |s| u32::from(s.port), |s, v| s.port = u16::try_from(v).unwrap_or(s.port))}
                {text_field(conn, "Path", "text", |s| s.path.clone(), |s, v| s.path = v)}
                <p class="note" hidden=move || !(page_is_https && plain_ws())>
                    {t("This page is served over https: the browser blocks ws:// connections from it (mixed content). Use wss://.")}
                </p>
                <div class="with-action">
                    {text_field(conn, "Client ID", "text", |s| s.client_id.clone(), |s, v| s.client_id = v)}
                    <button type="button" aria-label=t("Regenerate Client ID") on:click=move |_| conn.settings.update(|s| s.client_id = super::random_client_id())>"↻"</button>
                </div>
                {text_field(conn, "Username", "text", |s| s.username.clone(), |s, v| s.username = v)}
                {text_field(conn, "Password", "password", |s| s.password.clone(), |s, v| s.password = v)}
                {check_field(conn, "Remember password", |s| s.remember_password, |s, v| s.remember_password = v)}
                <p class="note" hidden=move || !(plain_ws() && has_credentials())>
                    "ws:// is not encrypted: the username and password travel in clear text."
                </p>
            </fieldset>
            <fieldset>
                <legend>{t("Advanced")}</legend>
                <label>{t("MQTT Version")}
                    <select aria-label=t("MQTT Version")
                        prop:value=move || conn.settings.with(|s| version_label(s.version))
                        on:change=move |ev| conn.settings.update(|s| s.version = version_from(&event_target_value(&ev)))
                    >
                        <option value="3.1">"3.1"</option>
                        <option value="3.1.1">"3.1.1"</option>
                        <option value="5.0">"5.0"</option>
                    </select>
                </label>
                {number_field(conn, "Connect Timeout (s)", |s| s.connect_timeout, |s, v| s.connect_timeout = v)}
                {number_field(conn, "Keep Alive", |s| u32::from(s.keep_alive), |s, v| s.keep_alive = u16::try_from(v).unwrap_or(u16::MAX))}
                {check_field(conn, "Clean Start", |s| s.clean_start, |s, v| s.clean_start = v)}
                {check_field(conn, "Auto Reconnect", |s| s.auto_reconnect, |s, v| s.auto_reconnect = v)}
                {number_field(conn, "Reconnect Period (ms)", |s| s.reconnect_period_ms, |s, v| s.reconnect_period_ms = v)}
                <Show when=move || conn.settings.with(|s| s.version == ProtocolVersion::V5)>
                    {number_field(conn, "Session Expiry Interval", |s| s.session_expiry, |s, v| s.session_expiry = v)}
                    {number_field(conn, "Receive Maximum", |s| u32::from(s.receive_maximum), |s, v| s.receive_maximum = u16::try_from(v).unwrap_or(u16::MAX))}
                    {number_field(conn, "Maximum Packet Size", |s| s.maximum_packet_size, |s, v| s.maximum_packet_size = v)}
                    {number_field(conn, "Topic Alias Maximum", |s| u32::from(s.topic_alias_maximum), |s, v| s.topic_alias_maximum = u16::try_from(v).unwrap_or(u16::MAX))}
                    {check_field(conn, "Request Response Information", |s| s.request_response_information, |s, v| s.request_response_information = v)}
                    {check_field(conn, "Request Problem Information", |s| s.request_problem_information, |s, v| s.request_problem_information = v)}
                    {text_area(conn, "User Properties", |s| s.user_properties.clone(), |s, v| s.user_properties = v)}
                    {check_field(conn, "Enhanced Authentication (SCRAM-SHA-256)", |s| s.scram, |s, v| s.scram = v)}
                    <p class="note" hidden=move || conn.settings.with(|s| !s.scram)>
                        {t("The username and password prove themselves in the AUTH exchange; the password never goes to the broker.")}
                    </p>
                </Show>
            </fieldset>
            <super::will_form::WillForm conn />
        </form>
    }
}

fn version_label(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::V3_1 => "3.1",
        ProtocolVersion::V3_1_1 => "3.1.1",
        _ => "5.0",
    }
}

fn version_from(label: &str) -> ProtocolVersion {
    match label {
        "3.1" => ProtocolVersion::V3_1,
        "3.1.1" => ProtocolVersion::V3_1_1,
        _ => ProtocolVersion::V5,
    }
}
