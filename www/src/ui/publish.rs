//! The publish box: topic, payload editor with its format, QoS, Retain; Ctrl+Enter sends.

use leptos::prelude::*;

use super::state::Conn;
use crate::model::PayloadFormat;

#[component]
pub(super) fn Publish(conn: Conn) -> impl IntoView {
    let topic = RwSignal::new("testtopic/1".to_owned());
    let payload = RwSignal::new("{\n  \"msg\": \"hello\"\n}".to_owned());
    let format = RwSignal::new(PayloadFormat::Json);
    let qos = RwSignal::new(0u8);
    let retain = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move || {
        let result = format.get_untracked().parse(&payload.get_untracked()).and_then(|bytes| {
            conn.publish(&topic.get_untracked(), bytes, qos.get_untracked(), retain.get_untracked())
        });
        error.set(result.err());
    };
    view! {
        <section class="pane publish" aria-label="Publish">
            <div class="publish-options">
                <label class="grow">"Topic"
                    <input type="text" prop:value=move || topic.get() on:input=move |ev| topic.set(event_target_value(&ev)) />
                </label>
                <label>"Format"
                    <select aria-label="Format" on:change=move |ev| {
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
                    "Retain"
                </label>
            </div>
            <label class="payload-editor">"Payload"
                <textarea
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
            <p class="error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            <button class="primary send" on:click=move |_| send()>"Send"</button>
        </section>
    }
}
