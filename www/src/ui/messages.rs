//! The message list: received on the left, published on the right (chat style), with topic,
//! QoS, retained badge and time; All / Received / Published tabs and the payload view format.

use leptos::prelude::*;

use super::state::Conn;
use crate::model::{Direction, MessageRecord, PayloadFormat};

/// Rows rendered at most: the newest. (A virtualised list over the whole log is next.)
const SHOWN: usize = 500;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    All,
    Received,
    Published,
}

#[component]
pub(super) fn Messages(conn: Conn) -> impl IntoView {
    let tab = RwSignal::new(Tab::All);
    let format = RwSignal::new(PayloadFormat::Plaintext);
    let rows = move || {
        let tab = tab.get();
        conn.log.with(|log| {
            let mut rows: Vec<MessageRecord> = log
                .iter()
                .rev()
                .filter(|m| match tab {
                    Tab::All => true,
                    Tab::Received => m.direction == Direction::Received,
                    Tab::Published => m.direction == Direction::Published,
                })
                .take(SHOWN)
                .cloned()
                .collect();
            rows.reverse();
            rows
        })
    };
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button role="tab" aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>{label}</button>
        }
    };
    view! {
        <section class="pane messages" aria-label="Messages">
            <div class="messages-toolbar">
                <div role="tablist" aria-label="Message filter">
                    {tab_button(Tab::All, "All")}
                    {tab_button(Tab::Received, "Received")}
                    {tab_button(Tab::Published, "Published")}
                </div>
                <label>"View as"
                    <select aria-label="View as" on:change=move |ev| {
                        if let Some(f) = PayloadFormat::from_label(&event_target_value(&ev)) { format.set(f) }
                    }>
                        {PayloadFormat::ALL.into_iter().map(|f| view! { <option value=f.label()>{f.label()}</option> }).collect_view()}
                    </select>
                </label>
                <span class="count">{move || format!("{} messages", conn.log.with(|l| l.len()))}</span>
                <button on:click=move |_| conn.log.update(|l| l.clear())>"Clear"</button>
            </div>
            <ol class="message-list">
                <For each=rows key=|m| m.seq let:m>
                    <MessageRow m format />
                </For>
            </ol>
        </section>
    }
}

#[component]
fn MessageRow(m: MessageRecord, format: RwSignal<PayloadFormat>) -> impl IntoView {
    let side = if m.direction == Direction::Received { "received" } else { "published" };
    let time = js_sys::Date::new(&m.time_ms.into())
        .to_locale_time_string("en-GB")
        .as_string()
        .unwrap_or_default();
    let payload = m.payload.clone();
    view! {
        <li class=format!("message {side}")>
            <div class="meta">
                <span class="topic">{m.topic.clone()}</span>
                <span class="badge">{format!("QoS {}", m.qos as u8)}</span>
                {m.retain.then(|| view! { <span class="badge retained">"Retained"</span> })}
            </div>
            <pre class="payload">{move || format.get().render(&payload)}</pre>
            {(!m.properties.is_empty()).then(|| view! {
                <dl class="message-properties" aria-label="Properties">
                    {m.properties.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                </dl>
            })}
            <time class="time">{time}</time>
        </li>
    }
}
