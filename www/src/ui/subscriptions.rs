//! The subscriptions pane: a new subscription (topic filters, QoS and the MQTT 5 options) and
//! the list with what the server granted.

use leptos::prelude::*;
use wasmqtt::codec::ProtocolVersion;

use super::state::{Conn, SubscriptionRow};
use crate::model::SubscriptionSettings;

#[component]
pub(super) fn Subscriptions(conn: Conn) -> impl IntoView {
    let topic = RwSignal::new("testtopic/#".to_owned());
    let qos = RwSignal::new(0u8);
    let no_local = RwSignal::new(false);
    let retain_as_published = RwSignal::new(false);
    let retain_handling = RwSignal::new(0u8);
    let subscription_id = RwSignal::new(String::new());
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
        };
        // Several filters at once, separated by commas, like MQTTX.
        let filters = topic.get_untracked();
        for filter in filters.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            if let Err(e) = conn.subscribe(filter, &settings) {
                error.set(Some(e));
                return;
            }
        }
        error.set(None);
    };
    view! {
        <section class="pane subscriptions" aria-label="Subscriptions">
            <h2>"Subscriptions"</h2>
            <form class="new-subscription" aria-label="New Subscription" novalidate=true on:submit=move |ev| { ev.prevent_default(); subscribe(); }>
                <label>"Topic"
                    <input type="text" aria-label="Topic" prop:value=move || topic.get() on:input=move |ev| topic.set(event_target_value(&ev)) />
                </label>
                <super::QosSelect qos />
                <Show when=v5>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || no_local.get() on:change=move |ev| no_local.set(event_target_checked(&ev)) />
                        "No Local"
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || retain_as_published.get() on:change=move |ev| retain_as_published.set(event_target_checked(&ev)) />
                        "Retain As Published"
                    </label>
                    <label>"Retain Handling"
                        <select aria-label="Retain Handling" prop:value=move || retain_handling.get().to_string()
                            on:change=move |ev| retain_handling.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">"0: send retained"</option>
                            <option value="1">"1: only if new"</option>
                            <option value="2">"2: never"</option>
                        </select>
                    </label>
                    <label>"Subscription Identifier"
                        <input type="number" min="1" aria-label="Subscription Identifier" prop:value=move || subscription_id.get()
                            on:input=move |ev| subscription_id.set(event_target_value(&ev)) />
                    </label>
                </Show>
                <button type="submit" class="primary">"Subscribe"</button>
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
    let filter = row.filter.clone();
    view! {
        <li class="subscription">
            <span class="filter">{row.filter.clone()}</span>
            <span class="badge">{format!("QoS {}", o.qos)}</span>
            <button aria-label=format!("Unsubscribe {}", row.filter) on:click=move |_| { let _ = conn.unsubscribe(&filter); }>"×"</button>
            <span class="outcome">{match &row.outcome {
                None => "waiting for SUBACK".to_owned(),
                Some(Ok(granted)) => format!("granted QoS {granted}"),
                Some(Err(reason)) => format!("refused: {reason}"),
            }}{(!flags.is_empty()).then(|| format!(" · {}", flags.join(" · ")))}</span>
        </li>
    }
}
