//! The connection form: where the broker is, who the client is, and the session's options.
//! Changes apply on the next Connect.

use leptos::prelude::*;
use wasmqtt::codec::ProtocolVersion;

use super::state::Conn;
use crate::model::{ConnectionSettings, Scheme};

/// A text field bound to one settings field.
fn text_field(
    conn: Conn,
    label: &'static str,
    input_type: &'static str,
    get: fn(&ConnectionSettings) -> String,
    set: fn(&mut ConnectionSettings, String),
) -> impl IntoView {
    view! {
        <label>{label}
            <input
                aria-label=label
                type=input_type
                prop:value=move || conn.settings.with(get)
                on:input=move |ev| conn.settings.update(|s| set(s, event_target_value(&ev)))
            />
        </label>
    }
}

/// A number field bound to one settings field; what does not parse is ignored.
fn number_field(
    conn: Conn,
    label: &'static str,
    get: fn(&ConnectionSettings) -> u32,
    set: fn(&mut ConnectionSettings, u32),
) -> impl IntoView {
    view! {
        <label>{label}
            <input
                aria-label=label
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

#[component]
pub(super) fn ConnectionForm(conn: Conn) -> impl IntoView {
    let plain_ws = move || conn.settings.with(|s| s.scheme == Scheme::Ws);
    let has_credentials =
        move || conn.settings.with(|s| !s.username.is_empty() || !s.password.is_empty());
    let page_is_https =
        web_sys::window().and_then(|w| w.location().protocol().ok()).is_some_and(|p| p == "https:");
    view! {
        <form class="connection-form" aria-label="Connection settings" on:submit=|ev| ev.prevent_default()>
            <fieldset>
                <legend>"General"</legend>
                {text_field(conn, "Name", "text", |s| s.name.clone(), |s, v| s.name = v)}
                <label>"Protocol"
                    <select aria-label="Protocol"
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
                    "This page is served over https: the browser blocks ws:// connections from it (mixed content). Use wss://."
                </p>
                <div class="with-action">
                    {text_field(conn, "Client ID", "text", |s| s.client_id.clone(), |s, v| s.client_id = v)}
                    <button type="button" aria-label="Regenerate Client ID" on:click=move |_| conn.settings.update(|s| s.client_id = super::random_client_id())>"↻"</button>
                </div>
                {text_field(conn, "Username", "text", |s| s.username.clone(), |s, v| s.username = v)}
                {text_field(conn, "Password", "password", |s| s.password.clone(), |s, v| s.password = v)}
                <label class="check">
                    <input type="checkbox" prop:checked=move || conn.settings.with(|s| s.remember_password)
                        on:change=move |ev| conn.settings.update(|s| s.remember_password = event_target_checked(&ev)) />
                    "Remember password"
                </label>
                <p class="note" hidden=move || !(plain_ws() && has_credentials())>
                    "ws:// is not encrypted: the username and password travel in clear text."
                </p>
            </fieldset>
            <fieldset>
                <legend>"Advanced"</legend>
                <label>"MQTT Version"
                    <select aria-label="MQTT Version"
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
                <label class="check">
                    <input type="checkbox" prop:checked=move || conn.settings.with(|s| s.clean_start)
                        on:change=move |ev| conn.settings.update(|s| s.clean_start = event_target_checked(&ev)) />
                    "Clean Start"
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || conn.settings.with(|s| s.auto_reconnect)
                        on:change=move |ev| conn.settings.update(|s| s.auto_reconnect = event_target_checked(&ev)) />
                    "Auto Reconnect"
                </label>
                {number_field(conn, "Reconnect Period (ms)", |s| s.reconnect_period_ms, |s, v| s.reconnect_period_ms = v)}
                <Show when=move || conn.settings.with(|s| s.version == ProtocolVersion::V5)>
                    {number_field(conn, "Session Expiry Interval", |s| s.session_expiry, |s, v| s.session_expiry = v)}
                </Show>
            </fieldset>
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
