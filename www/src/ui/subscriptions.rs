//! The subscriptions pane: a new subscription (topic filters, QoS, the MQTT 5 options, colour
//! and alias) and the list with what the server granted; a row is enabled or disabled, its
//! colour changed, and clicking its filter shows only its messages.

use leptos::prelude::*;
use wasmqtt::codec::ProtocolVersion;

use super::state::{Conn, SubscriptionRow};
use super::t;
use crate::model::SubscriptionSettings;
use crate::subscription_look::{color_after, is_color};

#[component]
pub(super) fn Subscriptions(conn: Conn) -> impl IntoView {
    let topic = RwSignal::new("testtopic/#".to_owned());
    let qos = RwSignal::new(0u8);
    let no_local = RwSignal::new(false);
    let retain_as_published = RwSignal::new(false);
    let retain_handling = RwSignal::new(0u8);
    let subscription_id = RwSignal::new(String::new());
    let alias = RwSignal::new(String::new());
    // The next colour in turn, until the user picks one.
    let picked_color = RwSignal::new(None::<String>);
    let color = move || {
        picked_color
            .get()
            .unwrap_or_else(|| color_after(conn.subscriptions.with(Vec::len)).to_owned())
    };
    let error = RwSignal::new(None::<String>);
    let v5 = move || conn.settings.with(|s| s.version == ProtocolVersion::V5);
    let subscribe = move || {
        let id = subscription_id.get_untracked();
        let subscription_identifier = match id.trim() {
            "" => None,
            text => match text.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    error.set(Some(format!("Subscription Identifier {text:?} is not a number")));
                    return;
                }
            },
        };
        let settings = SubscriptionSettings {
            qos: qos.get_untracked(),
            no_local: no_local.get_untracked(),
            retain_as_published: retain_as_published.get_untracked(),
            retain_handling: retain_handling.get_untracked(),
            subscription_identifier,
            color: picked_color.get_untracked().unwrap_or_default(),
            alias: alias.get_untracked().trim().to_owned(),
        };
        // Several filters at once, separated by commas, like MQTTX.
        let filters = topic.get_untracked();
        for filter in filters.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            if let Err(e) = conn.subscribe(filter, &settings) {
                error.set(Some(e));
                return;
            }
        }
        picked_color.set(None);
        alias.set(String::new());
        error.set(None);
    };
    view! {
        <section class="pane subscriptions" aria-label=t("Subscriptions")>
            <h2>{t("Subscriptions")}</h2>
            <form class="new-subscription" aria-label=t("New Subscription") novalidate=true on:submit=move |ev| { ev.prevent_default(); subscribe(); }>
                <label>{t("Topic")}
                    <input type="text" aria-label=t("Topic") prop:value=move || topic.get() on:input=move |ev| topic.set(event_target_value(&ev)) />
                </label>
                <super::QosSelect qos />
                <label>{t("Alias")}
                    <input type="text" aria-label=t("Alias") prop:value=move || alias.get() on:input=move |ev| alias.set(event_target_value(&ev)) />
                </label>
                <label>{t("Color")}
                    <input type="color" aria-label=t("Color") prop:value=color
                        on:input=move |ev| { let c = event_target_value(&ev); if is_color(&c) { picked_color.set(Some(c)) } } />
                </label>
                <Show when=v5>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || no_local.get() on:change=move |ev| no_local.set(event_target_checked(&ev)) />
                        {t("No Local")}
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || retain_as_published.get() on:change=move |ev| retain_as_published.set(event_target_checked(&ev)) />
                        {t("Retain As Published")}
                    </label>
                    <label>{t("Retain Handling")}
                        <select aria-label=t("Retain Handling") prop:value=move || retain_handling.get().to_string()
                            on:change=move |ev| retain_handling.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">"0: send retained"</option>
                            <option value="1">"1: only if new"</option>
                            <option value="2">"2: never"</option>
                        </select>
                    </label>
                    <label>{t("Subscription Identifier")}
                        <input type="number" min="1" aria-label=t("Subscription Identifier") prop:value=move || subscription_id.get()
                            on:input=move |ev| subscription_id.set(event_target_value(&ev)) />
                    </label>
                </Show>
                <button type="submit" class="primary">{t("Subscribe")}</button>
            </form>
            <p class="error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            <ul class="subscription-list">
                <For each=move || conn.subscriptions.get() key=|row| format!("{row:?}") let:row>
                    <SubscriptionItem row conn />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn SubscriptionItem(row: SubscriptionRow, conn: Conn) -> impl IntoView {
    let o = &row.options;
    let mut flags = Vec::new();
    if o.no_local {
        flags.push("NL".to_owned());
    }
    if o.retain_as_published {
        flags.push("RAP".to_owned());
    }
    if o.retain_handling != 0 {
        flags.push(format!("RH {}", o.retain_handling));
    }
    if let Some(id) = o.subscription_identifier {
        flags.push(format!("ID {id}"));
    }
    let filter = StoredValue::new(row.filter.clone());
    let shown =
        move || conn.topic_filter.with(|f| f.as_deref() == Some(filter.get_value().as_str()));
    let toggle_filter = move |_| {
        let mine = filter.get_value();
        conn.topic_filter
            .update(|f| *f = if f.as_deref() == Some(mine.as_str()) { None } else { Some(mine) });
    };
    let enable = move |ev| {
        if let Err(e) = conn.set_enabled(&filter.get_value(), event_target_checked(&ev)) {
            conn.update_row(&filter.get_value(), |r| r.outcome = Some(Err(e)));
        }
    };
    let recolor = move |ev| {
        let c = event_target_value(&ev);
        if is_color(&c) {
            conn.update_row(&filter.get_value(), |r| r.options.color = c);
        }
    };
    let name = if o.alias.is_empty() { row.filter.clone() } else { o.alias.clone() };
    view! {
        <li class="subscription" class:disabled=!row.enabled class:refused=matches!(row.outcome, Some(Err(_)))
            style:border-left-color=o.color.clone()>
            <input type="checkbox" class="enable" aria-label=format!("{} {}", t("Enable")(), row.filter)
                prop:checked=row.enabled on:change=enable />
            <button class="filter" aria-label=format!("{} {}", t("Show only")(), row.filter) title=row.filter.clone()
                aria-pressed=move || shown().to_string() on:click=toggle_filter>{name}</button>
            <span class="badge">{format!("QoS {}", o.qos)}</span>
            <input type="color" class="swatch" aria-label=format!("{} {}", t("Color of")(), row.filter)
                prop:value=o.color.clone() on:change=recolor />
            <button aria-label=format!("{} {}", t("Unsubscribe")(), row.filter) on:click=move |_| { let _ = conn.unsubscribe(&filter.get_value()); }>"×"</button>
            <span class="outcome">
                {(!o.alias.is_empty()).then(|| format!("{} · ", row.filter))}
                {match (&row.outcome, row.enabled) {
                    (_, false) => t("disabled")().to_owned(),
                    (None, true) => t("waiting for SUBACK")().to_owned(),
                    (Some(Ok(granted)), true) => format!("{} {granted}", t("granted QoS")()),
                    (Some(Err(reason)), true) => format!("{} {reason}", t("refused:")()),
                }}
                {(!flags.is_empty()).then(|| format!(" · {}", flags.join(" · ")))}
            </span>
        </li>
    }
}
