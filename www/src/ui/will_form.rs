//! The Last Will part of the connection form: topic, QoS, retain and payload, and under MQTT
//! 5.0 the will properties.

use leptos::prelude::*;
use wasmqtt::codec::ProtocolVersion;

use super::connection_form::{check_field, number_field, text_area, text_field};
use super::state::Conn;
use super::t;

#[component]
pub(super) fn WillForm(conn: Conn) -> impl IntoView {
    let v5 = move || conn.settings.with(|s| s.version == ProtocolVersion::V5);
    view! {
        <fieldset>
            <legend>{t("Last Will")}</legend>
            {text_field(conn, "Will Topic", "text", |s| s.will.topic.clone(), |s, v| s.will.topic = v)}
            <label>{t("Will QoS")}
                <select aria-label=t("Will QoS")
                    prop:value=move || conn.settings.with(|s| s.will.qos.to_string())
                    on:change=move |ev| conn.settings.update(|s| s.will.qos = event_target_value(&ev).parse().unwrap_or(0))
                >
                    <option value="0">"0"</option>
                    <option value="1">"1"</option>
                    <option value="2">"2"</option>
                </select>
            </label>
            {check_field(conn, "Will Retain", |s| s.will.retain, |s, v| s.will.retain = v)}
            {text_area(conn, "Will Payload", |s| s.will.payload.clone(), |s, v| s.will.payload = v)}
            <Show when=v5>
                {number_field(conn, "Will Delay Interval", |s| s.will.delay, |s, v| s.will.delay = v)}
                {number_field(conn, "Will Message Expiry Interval", |s| s.will.message_expiry, |s, v| s.will.message_expiry = v)}
                {text_field(conn, "Will Content Type", "text", |s| s.will.content_type.clone(), |s, v| s.will.content_type = v)}
                {check_field(conn, "Will Payload Format Indicator (UTF-8)", |s| s.will.utf8, |s, v| s.will.utf8 = v)}
                {text_field(conn, "Will Response Topic", "text", |s| s.will.response_topic.clone(), |s, v| s.will.response_topic = v)}
                {text_field(conn, "Will Correlation Data", "text", |s| s.will.correlation_data.clone(), |s, v| s.will.correlation_data = v)}
                {text_area(conn, "Will User Properties", |s| s.will.user_properties.clone(), |s, v| s.will.user_properties = v)}
            </Show>
        </fieldset>
    }
}
