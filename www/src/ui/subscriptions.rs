//! The subscriptions pane: new subscription (topic filter, QoS) and the list with what the
//! server granted.

use leptos::prelude::*;

use super::state::Conn;

#[component]
pub(super) fn Subscriptions(conn: Conn) -> impl IntoView {
    let topic = RwSignal::new("testtopic/#".to_owned());
    let qos = RwSignal::new(0u8);
    let error = RwSignal::new(None::<String>);
    let subscribe = move || {
        let filters = topic.get_untracked();
        // Several filters at once, separated by commas, like MQTTX.
        for filter in filters.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            if let Err(e) = conn.subscribe(filter, qos.get_untracked()) {
                error.set(Some(e));
                return;
            }
        }
        error.set(None);
    };
    view! {
        <section class="pane subscriptions" aria-label="Subscriptions">
            <h2>"Subscriptions"</h2>
            <form class="new-subscription" aria-label="New Subscription" on:submit=move |ev| { ev.prevent_default(); subscribe(); }>
                <label>"Topic"
                    <input type="text" prop:value=move || topic.get() on:input=move |ev| topic.set(event_target_value(&ev)) />
                </label>
                <super::QosSelect qos />
                <button type="submit" class="primary">"Subscribe"</button>
            </form>
            <p class="error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            <ul class="subscription-list">
                <For each=move || conn.subscriptions.get() key=|row| (row.filter.clone(), row.qos, row.outcome.clone()) let:row>
                    <li class="subscription">
                        <span class="filter">{row.filter.clone()}</span>
                        <span class="badge">{format!("QoS {}", row.qos)}</span>
                        <span class="outcome">{match &row.outcome {
                            None => "waiting for SUBACK".to_owned(),
                            Some(Ok(granted)) => format!("granted QoS {granted}"),
                            Some(Err(reason)) => format!("refused: {reason}"),
                        }}</span>
                        <button
                            aria-label=format!("Unsubscribe {}", row.filter)
                            on:click={
                                let filter = row.filter.clone();
                                move |_| { let _ = conn.unsubscribe(&filter); }
                            }
                        >"×"</button>
                    </li>
                </For>
            </ul>
        </section>
    }
}
