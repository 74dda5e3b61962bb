//! The Chart view: the numbers of one topic's received messages over time, the payload itself
//! or a field of a JSON payload, redrawn as messages arrive.

use leptos::prelude::*;

use super::state::Conn;
use super::t;
use crate::chart::{plot, value_of};
use crate::i18n::tr;
use crate::model::Direction;

/// The plot's coordinate box (the SVG stretches it to the pane).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
/// The newest samples drawn.
const LIMIT: usize = 500;
/// How many recent received messages offer their topics for the choice.
const RECENT: usize = 2000;

#[component]
pub(super) fn Chart(conn: Conn) -> impl IntoView {
    let topic = RwSignal::new(String::new());
    let field = RwSignal::new(String::new());
    let topics = Memo::new(move |_| {
        conn.log.with(|log| {
            let mut seen: Vec<String> = Vec::new();
            for m in log.iter().rev().filter(|m| m.direction == Direction::Received).take(RECENT) {
                if !seen.contains(&m.topic) {
                    seen.push(m.topic.clone());
                }
            }
            seen.sort();
            seen
        })
    });
    let samples = Memo::new(move |_| {
        let (topic, field) = (topic.get(), field.get());
        conn.log.with(|log| {
            log.iter()
                .filter(|m| m.direction == Direction::Received && m.topic == topic)
                .filter_map(|m| Some((m.time_ms, value_of(&m.payload, &field)?)))
                .collect::<Vec<_>>()
        })
    });
    let drawn = Memo::new(move |_| samples.with(|s| plot(s, LIMIT, WIDTH, HEIGHT)));
    let lang = super::lang();
    let summary = move || {
        let (p, l) = (drawn.get(), lang.get());
        match (topic.with(String::is_empty), p.last) {
            (true, _) => tr(l, "Choose a topic to plot its numbers.").to_owned(),
            (false, None) => tr(l, "No numbers on this topic yet (try a JSON field).").to_owned(),
            (false, Some(last)) => format!(
                "{} {} · {} {last} · {} {} · {} {}",
                p.count,
                tr(l, "values"),
                tr(l, "last"),
                tr(l, "min"),
                p.min,
                tr(l, "max"),
                p.max
            ),
        }
    };
    view! {
        <section class="pane chart" aria-label=t("Chart")>
            <div class="chart-options">
                <label class="grow">{t("Topic")}
                    <select aria-label=t("Chart topic") prop:value=move || topic.get()
                        on:change=move |ev| topic.set(event_target_value(&ev))>
                        <option value="">{t("Choose a topic")}</option>
                        {move || topics.get().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t("JSON field")}
                    <input type="text" aria-label=t("JSON field") placeholder="e.g. data.temp"
                        prop:value=move || field.get() on:input=move |ev| field.set(event_target_value(&ev)) />
                </label>
            </div>
            <p class="chart-summary" role="status">{summary}</p>
            <div class="chart-frame">
                <div class="chart-axis" aria-hidden="true">
                    <span>{move || drawn.with(|p| p.max.to_string())}</span>
                    <span>{move || drawn.with(|p| p.min.to_string())}</span>
                </div>
                <svg class="chart-plot" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none"
                    role="img" aria-label=move || format!("{} values of {}", drawn.with(|p| p.count), topic.get())>
                    <polyline points=move || drawn.with(|p| p.points.clone()) fill="none" />
                </svg>
            </div>
        </section>
    }
}
