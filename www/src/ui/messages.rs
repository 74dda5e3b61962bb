//! The message list: received on the left, published on the right (chat style), with topic,
//! QoS, retained badge and time; All / Received / Published tabs and the payload view format;
//! a received message carries the colour of the subscription that brought it, and choosing a
//! subscription shows only the messages its filter covers.
//!
//! The list is virtualised: rows have one height and only those in view (and a few around)
//! are in the document, so 100,000 messages scroll like 100. A row shows the start of its
//! payload; selecting it shows the message whole below the list, with its properties, Copy
//! and Delete.

use leptos::html::Div;
use leptos::prelude::*;
use wasmqtt::topic::TopicFilter;

use super::state::Conn;
use super::t;
use crate::model::{Direction, MessageRecord, PayloadFormat};
use crate::subscription_look::{covers, Palette};

/// The height of a row, bubble and gap, in CSS pixels (style.css sizes the bubble to match).
/// Heights and offsets are set through the CSSOM (`style:`), which the page's CSP allows,
/// not as `style` attributes, which it blocks.
const ROW_PX: f64 = 92.0;
/// Rows rendered beyond each edge of the view, so a fast scroll shows no blank.
const OVERSCAN: usize = 6;
/// The start of a payload a row shows.
const PREVIEW_CHARS: usize = 240;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    All,
    Received,
    Published,
}

impl Tab {
    fn shows(self, m: &MessageRecord) -> bool {
        match self {
            Tab::All => true,
            Tab::Received => m.direction == Direction::Received,
            Tab::Published => m.direction == Direction::Published,
        }
    }
}

/// The log positions a tab shows, in order.
#[derive(Clone, PartialEq)]
enum Shown {
    /// Every message: position `i` is row `i`.
    All(usize),
    /// The positions of the matching messages.
    Some(Vec<usize>),
}

impl Shown {
    fn len(&self) -> usize {
        match self {
            Shown::All(n) => *n,
            Shown::Some(positions) => positions.len(),
        }
    }

    fn position(&self, row: usize) -> Option<usize> {
        match self {
            Shown::All(n) => (row < *n).then_some(row),
            Shown::Some(positions) => positions.get(row).copied(),
        }
    }
}

/// Rows `first..last` that a list scrolled to `top`, `height` pixels high, needs.
fn rows_in_view(top: f64, height: f64, count: usize) -> std::ops::Range<usize> {
    let first = ((top / ROW_PX).max(0.0) as usize).saturating_sub(OVERSCAN);
    let last = (((top + height) / ROW_PX).ceil().max(0.0) as usize).saturating_add(OVERSCAN);
    first.min(count)..last.min(count)
}

#[component]
pub(super) fn Messages(conn: Conn) -> impl IntoView {
    let tab = RwSignal::new(Tab::All);
    let format = RwSignal::new(PayloadFormat::Plaintext);
    let selected = RwSignal::new(None::<u64>);
    // Scroll offset and height of the list; the height is measured on mount and every scroll.
    let view_box = RwSignal::new((0.0, 800.0));
    // Whether the list follows new messages (it was at the bottom).
    let follow = StoredValue::new(true);
    let list = NodeRef::<Div>::new();

    let topic_filter =
        Memo::new(move |_| conn.topic_filter.get().and_then(|f| TopicFilter::new(f).ok()));
    let shown = Memo::new(move |_| {
        let tab = tab.get();
        topic_filter.with(|filter| {
            conn.log.with(|log| match (tab, filter) {
                (Tab::All, None) => Shown::All(log.len()),
                _ => Shown::Some(
                    log.iter()
                        .enumerate()
                        .filter(|(_, m)| tab.shows(m))
                        .filter(|(_, m)| filter.as_ref().is_none_or(|f| covers(f, &m.topic)))
                        .map(|(i, _)| i)
                        .collect(),
                ),
            })
        })
    });
    // The colours of the enabled subscriptions, for the bars of received messages.
    let palette = Memo::new(move |_| {
        conn.subscriptions.with(|rows| {
            Palette::new(
                rows.iter()
                    .filter(|r| r.enabled)
                    .map(|r| (r.filter.as_str(), r.options.color.as_str())),
            )
        })
    });
    let rows = move || {
        let (top, height) = view_box.get();
        shown.with(|shown| {
            conn.log.with(|log| {
                palette.with(|palette| {
                    rows_in_view(top, height, shown.len())
                        .filter_map(|row| {
                            let m = log.get(shown.position(row)?)?.clone();
                            let color = (m.direction == Direction::Received)
                                .then(|| palette.color_of(&m.topic).map(str::to_owned))
                                .flatten();
                            Some((row, m, color))
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    };
    // New rows: stay at the bottom if the user was there.
    Effect::new(move |_| {
        let count = shown.with(Shown::len);
        if let Some(el) = list.get() {
            if follow.get_value() {
                el.set_scroll_top((count as f64 * ROW_PX) as i32);
            }
            view_box.set((f64::from(el.scroll_top()), f64::from(el.client_height())));
        }
    });
    let on_scroll = move |_| {
        let Some(el) = list.get_untracked() else { return };
        let (top, height) = (f64::from(el.scroll_top()), f64::from(el.client_height()));
        follow.set_value(top + height >= f64::from(el.scroll_height()) - ROW_PX / 2.0);
        view_box.set((top, height));
    };
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button role="tab" aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>{t(label)}</button>
        }
    };
    let (of, messages_word, message_word) = (t("of"), t("messages"), t("message"));
    view! {
        <section class="pane messages" aria-label=t("Messages")>
            <div class="messages-toolbar">
                <div role="tablist" aria-label=t("Message filter")>
                    {tab_button(Tab::All, "All")}
                    {tab_button(Tab::Received, "Received")}
                    {tab_button(Tab::Published, "Published")}
                </div>
                <label>{t("View as")}
                    <select aria-label=t("View as") on:change=move |ev| {
                        if let Some(f) = PayloadFormat::from_label(&event_target_value(&ev)) { format.set(f) }
                    }>
                        {PayloadFormat::ALL.into_iter().map(|f| view! { <option value=f.label()>{f.label()}</option> }).collect_view()}
                    </select>
                </label>
                {move || conn.topic_filter.get().map(|f| view! {
                    <button class="chip" aria-label=t("Clear topic filter") on:click=move |_| conn.topic_filter.set(None)>
                        {format!("{f} ×")}
                    </button>
                })}
                <span class="count">{move || {
                    let (shown, total) = (shown.with(Shown::len), conn.log.with(|l| l.len()));
                    let (of, messages) = (of(), if total == 1 { message_word() } else { messages_word() });
                    if shown == total { format!("{total} {messages}") } else { format!("{shown} {of} {total} {messages}") }
                }}</span>
                <button on:click=move |_| { conn.clear_messages(); selected.set(None); }>{t("Clear")}</button>
            </div>
            <div class="message-list" node_ref=list on:scroll=on_scroll>
                <ol class="message-rows" style:height=move || format!("{}px", shown.with(Shown::len) as f64 * ROW_PX)>
                    <For each=rows key=|(row, m, color)| (*row, m.seq, color.clone()) let((row, m, color))>
                        <MessageRow row m color format selected />
                    </For>
                </ol>
            </div>
            {move || selected.get().and_then(|seq| conn.log.with(|log| log.find(seq).cloned())).map(|m| view! {
                <MessageDetails m format conn selected />
            })}
        </section>
    }
}

/// A payload in `format`, cut after `limit` characters if given; JSON that parses has its
/// keys, strings, numbers and literals in coloured spans (as text: nothing is parsed as HTML).
fn shown_payload(format: PayloadFormat, payload: &[u8], limit: Option<usize>) -> AnyView {
    let mut text = format.render(payload);
    if let Some((cut, _)) = limit.and_then(|n| text.char_indices().nth(n)) {
        text.truncate(cut);
        text.push('…');
    }
    let is_json = format == PayloadFormat::Json
        && crate::json::pretty(&String::from_utf8_lossy(payload)).is_some();
    if !is_json {
        return text.into_any();
    }
    crate::json::highlight(&text)
        .into_iter()
        .map(|(token, piece)| view! { <span class=token.class()>{piece.to_owned()}</span> })
        .collect_view()
        .into_any()
}

/// `HH:MM:SS` in local time. Put together from the date's fields, not `toLocaleTimeString`:
/// its first call loads the browser's locale data (23 ms of the first frame with messages in
/// the benchmark), and every call builds a formatter.
fn local_time(time_ms: f64) -> String {
    let date = js_sys::Date::new(&time_ms.into());
    format!("{:02}:{:02}:{:02}", date.get_hours(), date.get_minutes(), date.get_seconds())
}

fn side(m: &MessageRecord) -> &'static str {
    if m.direction == Direction::Received {
        "received"
    } else {
        "published"
    }
}

#[component]
fn MessageRow(
    row: usize,
    m: MessageRecord,
    color: Option<String>,
    format: RwSignal<PayloadFormat>,
    selected: RwSignal<Option<u64>>,
) -> impl IntoView {
    let seq = m.seq;
    let payload = m.payload.clone();
    let preview = move || shown_payload(format.get(), &payload, Some(PREVIEW_CHARS));
    let properties = m.properties.len();
    view! {
        <li
            class=format!("message {}", side(&m))
            class:colored=color.is_some()
            style:border-left-color=color
            class:selected=move || selected.get() == Some(seq)
            style:top=format!("{}px", row as f64 * ROW_PX)
            tabindex="0"
            aria-current=move || (selected.get() == Some(seq)).then_some("true")
            on:click=move |_| selected.set(Some(seq))
            on:keydown=move |ev| if ev.key() == "Enter" { selected.set(Some(seq)) }
        >
            <div class="meta">
                <span class="topic">{m.topic.clone()}</span>
                <span class="badge">{format!("QoS {}", m.qos as u8)}</span>
                {m.retain.then(|| view! { <span class="badge retained">{t("Retained")}</span> })}
                {(properties > 0).then(|| { let word = t("properties"); view! { <span class="badge">{move || format!("{properties} {}", word())}</span> } })}
            </div>
            <pre class="payload">{preview}</pre>
            <time class="time">{local_time(m.time_ms)}</time>
        </li>
    }
}

/// The selected message whole: payload in the chosen format, every property, Copy, Delete.
#[component]
fn MessageDetails(
    m: MessageRecord,
    format: RwSignal<PayloadFormat>,
    conn: Conn,
    selected: RwSignal<Option<u64>>,
) -> impl IntoView {
    let seq = m.seq;
    let payload = m.payload.clone();
    let copied = RwSignal::new(false);
    let (copied_text, copy_text) = (t("Copied"), t("Copy"));
    let (side_label, time) = (t(side(&m)), local_time(m.time_ms));
    let copy = {
        let payload = payload.clone();
        move |_| {
            let text = format.get_untracked().render(&payload);
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        }
    };
    view! {
        <section class="message-details" aria-label=t("Message details")>
            <div class="meta">
                <span class="topic">{m.topic.clone()}</span>
                <span class="badge">{format!("QoS {}", m.qos as u8)}</span>
                {m.retain.then(|| view! { <span class="badge retained">{t("Retained")}</span> })}
                <time class="time">{move || format!("{} {time}", side_label())}</time>
                <span class="actions">
                    <button on:click=copy>{move || if copied.get() { copied_text() } else { copy_text() }}</button>
                    <button on:click=move |_| { conn.delete_message(seq); selected.set(None); }>{t("Delete")}</button>
                    <button aria-label=t("Close details") on:click=move |_| selected.set(None)>"×"</button>
                </span>
            </div>
            <pre class="payload">{move || shown_payload(format.get(), &payload, None)}</pre>
            {(!m.properties.is_empty()).then(|| view! {
                <dl class="message-properties" aria-label=t("Properties")>
                    {m.properties.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                </dl>
            })}
        </section>
    }
}
