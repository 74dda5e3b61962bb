//! The topic tree view: topics seen on the connection by level, with message counts, the last
//! value and the retained one. Levels fold and unfold with the keyboard (native `<details>`).

use leptos::prelude::*;

use super::state::Conn;
use super::t;
use crate::tree::TopicNode;

/// Children rendered per level at most; the rest are counted.
const SHOWN: usize = 200;

#[component]
pub(super) fn Topics(conn: Conn) -> impl IntoView {
    view! {
        <section class="pane topics" aria-label=t("Topic tree")>
            <div class="packets-toolbar">
                <span class="count">{move || format!("{} topics", conn.tree.with(|t| t.topic_count()))}</span>
                <button on:click=move |_| conn.tree.update(|t| t.clear())>{t("Clear")}</button>
            </div>
            <ul class="tree" role="tree" aria-label=t("Topics")>
                {move || conn.tree.with(|t| levels(t.root(), ""))}
            </ul>
        </section>
    }
}

/// The children of `node` as tree items; `prefix` is the topic up to `node`.
fn levels(node: &TopicNode, prefix: &str) -> AnyView {
    let hidden = node.children.len().saturating_sub(SHOWN);
    let items: Vec<AnyView> = node
        .children
        .iter()
        .take(SHOWN)
        .map(|(name, child)| {
            let topic = if prefix.is_empty() && name.is_empty() && child.own == 0 {
                "/".to_owned()
            } else if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            item(name, child, &topic)
        })
        .collect();
    view! {
        {items}
        {(hidden > 0).then(|| view! { <li class="more">{format!("… {hidden} more")}</li> })}
    }
    .into_any()
}

fn item(name: &str, node: &TopicNode, topic: &str) -> AnyView {
    let label = if name.is_empty() { "(empty)".to_owned() } else { name.to_owned() };
    let value = node.last.as_ref().map(|v| preview(v));
    let retained = node.retained.as_ref().map(|v| preview(v));
    let summary = view! {
        <span class="level">{label}</span>
        <span class="badge" title="messages on this topic and below">{node.total}</span>
        {value.map(|v| view! { <span class="value">{v}</span> })}
        {retained.map(|v| view! { <span class="badge retained" title=format!("retained: {v}")>{t("Retained")}</span> })}
    };
    if node.children.is_empty() {
        view! { <li role="treeitem" aria-label=topic.to_owned() class="leaf">{summary}</li> }
            .into_any()
    } else {
        let children = levels(node, topic);
        view! {
            <li role="treeitem" aria-label=topic.to_owned()>
                <details open=true>
                    <summary>{summary}</summary>
                    <ul role="group">{children}</ul>
                </details>
            </li>
        }
        .into_any()
    }
}

/// The start of a payload as text, on one line.
fn preview(payload: &[u8]) -> String {
    let text = String::from_utf8_lossy(payload);
    let line: String =
        text.chars().take(80).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() > 80 {
        format!("{line}…")
    } else {
        line
    }
}
