//! The publish box: topic, payload editor with its format, QoS, Retain; Ctrl+Enter sends; the
//! history of the connection's last publishes fills the box again.

use leptos::prelude::*;
use wasmqtt::codec::ProtocolVersion;

use super::state::Conn;
use super::t;
use crate::history::PublishDraft;
use crate::model::{PayloadFormat, PublishPropertiesForm};

#[component]
pub(super) fn Publish(conn: Conn) -> impl IntoView {
    let topic = RwSignal::new("testtopic/1".to_owned());
    let payload = RwSignal::new("{\n  \"msg\": \"hello\"\n}".to_owned());
    let format = RwSignal::new(PayloadFormat::Json);
    let qos = RwSignal::new(0u8);
    let retain = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let props = RwSignal::new(PublishPropertiesForm::default());
    let v5 = move || conn.settings.with(|s| s.version == ProtocolVersion::V5);
    let send = move || {
        let properties = if v5() {
            props.with_untracked(PublishPropertiesForm::to_properties)
        } else {
            Ok(Default::default())
        };
        let draft = PublishDraft {
            topic: topic.get_untracked(),
            payload: payload.get_untracked(),
            format: format.get_untracked().label().to_owned(),
            qos: qos.get_untracked(),
            retain: retain.get_untracked(),
        };
        let result = properties.and_then(|properties| {
            format.get_untracked().parse(&draft.payload).and_then(|bytes| {
                conn.publish(&draft.topic, bytes, draft.qos, draft.retain, properties)
            })
        });
        if result.is_ok() {
            conn.history.update(|h| h.record(draft));
        }
        error.set(result.err());
    };
    // Choosing a past publish fills the box with it.
    let recall = move |index: usize| {
        let Some(d) = conn.history.with_untracked(|h| h.entries().get(index).cloned()) else {
            return;
        };
        topic.set(d.topic);
        payload.set(d.payload);
        format.set(PayloadFormat::from_label(&d.format).unwrap_or(PayloadFormat::Plaintext));
        qos.set(d.qos);
        retain.set(d.retain);
    };
    let prop_field = move |label: &'static str,
                           get: fn(&PublishPropertiesForm) -> String,
                           set: fn(&mut PublishPropertiesForm, String)| {
        view! {
            <label>{t(label)}
                <input type="text" aria-label=t(label) prop:value=move || props.with(get)
                    on:input=move |ev| props.update(|p| set(p, event_target_value(&ev))) />
            </label>
        }
    };
    view! {
        <section class="pane publish" aria-label=t("Publish")>
            <div class="publish-options">
                <label class="grow">{t("Topic")}
                    <input type="text" aria-label=t("Topic") prop:value=move || topic.get() on:input=move |ev| topic.set(event_target_value(&ev)) />
                </label>
                <label>{t("Format")}
                    <select aria-label=t("Format") on:change=move |ev| {
                        if let Some(f) = PayloadFormat::from_label(&event_target_value(&ev)) { format.set(f) }
                    }>
                        {PayloadFormat::ALL.into_iter().map(|f| view! {
                            <option value=f.label() selected=move || format.get() == f>{f.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <super::QosSelect qos />
                <label class="check">
                    <input type="checkbox" prop:checked=move || retain.get() on:change=move |ev| retain.set(event_target_checked(&ev)) />
                    {t("Retain")}
                </label>
            </div>
            <label class="payload-editor">{t("Payload")}
                <textarea
                    aria-label=t("Payload")
                    prop:value=move || payload.get()
                    on:input=move |ev| payload.set(event_target_value(&ev))
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            send();
                        }
                    }
                ></textarea>
            </label>
            <Show when=v5>
                <details class="publish-properties">
                    <summary>{t("MQTT 5.0 Properties")}</summary>
                    <div class="property-grid">
                        <label class="check">
                            <input type="checkbox" prop:checked=move || props.with(|p| p.utf8)
                                on:change=move |ev| props.update(|p| p.utf8 = event_target_checked(&ev)) />
                            {t("Payload Format Indicator (UTF-8)")}
                        </label>
                        {prop_field("Message Expiry Interval", |p| p.message_expiry.clone(), |p, v| p.message_expiry = v)}
                        {prop_field("Content Type", |p| p.content_type.clone(), |p, v| p.content_type = v)}
                        {prop_field("Topic Alias", |p| p.topic_alias.clone(), |p, v| p.topic_alias = v)}
                        {prop_field("Response Topic", |p| p.response_topic.clone(), |p, v| p.response_topic = v)}
                        {prop_field("Correlation Data", |p| p.correlation_data.clone(), |p, v| p.correlation_data = v)}
                        <label class="wide">{t("User Properties (key=value per line)")}
                            <textarea aria-label=t("User Properties") prop:value=move || props.with(|p| p.user_properties.clone())
                                on:input=move |ev| props.update(|p| p.user_properties = event_target_value(&ev))></textarea>
                        </label>
                    </div>
                </details>
            </Show>
            <p class="error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            <div class="publish-actions">
                <select aria-label=t("Publish history") class="history"
                    prop:value=""
                    disabled=move || conn.history.with(|h| h.is_empty())
                    on:change=move |ev| {
                        if let Ok(index) = event_target_value(&ev).parse() { recall(index) }
                        // Back to the "History" heading, so the same entry can be chosen again.
                        if let Some(select) = ev.target() {
                            let _ = js_sys::Reflect::set(&select, &"value".into(), &"".into());
                        }
                    }>
                    <option value="">{move || format!("{} ({})", t("History")(), conn.history.with(|h| h.entries().len()))}</option>
                    {move || conn.history.with(|h| h.entries().iter().enumerate().map(|(i, d)| view! {
                        <option value=i.to_string()>{d.summary()}</option>
                    }).collect_view())}
                </select>
                <button class="primary send" on:click=move |_| send()>{t("Send")}</button>
            </div>
        </section>
    }
}
