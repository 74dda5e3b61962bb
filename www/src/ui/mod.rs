//! The user interface: a connection list on the left; for the selected connection its
//! settings, subscriptions, messages and the publish box, laid out like MQTTX Web.

// `#[component]` generates a public props struct for every component, private ones too.
#![allow(unreachable_pub)]

mod chart;
mod connection_form;
mod message_store;
mod messages;
mod packets;
mod publish;
mod settings;
mod state;
mod storage;
mod subscriptions;
mod topics;
mod transfer;
mod will_form;

use leptos::prelude::*;

use crate::i18n::{tr, Lang};
use crate::model::ConnectionSettings;
pub use state::{Conn, Status};

/// The interface language the app provides to every view.
pub(super) fn lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::En))
}

/// `english` in the interface language, as a text that follows a change of language.
pub(super) fn t(
    english: &'static str,
) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = lang();
    move || tr(lang.get(), english)
}

/// The handbook's local mosquitto WebSocket listener, where `scripts/run` starts it.
const LOCAL_BROKER: &str = "ws://127.0.0.1:8083/mqtt";

/// The broker named in the page URL (`?broker=ws://…`), if any.
fn broker_param() -> Option<String> {
    let search = web_sys::window().and_then(|w| w.location().search().ok())?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("broker="))
        .and_then(|v| js_sys::decode_uri_component(v).ok()?.as_string())
        .filter(|v| !v.is_empty())
}

/// Settings named `name` for the page's broker (`?broker=`, else the local one) with a fresh
/// client id; a `?broker=` that does not parse gives the local one.
fn new_settings(name: &str) -> ConnectionSettings {
    let broker = broker_param().unwrap_or_else(|| LOCAL_BROKER.into());
    ConnectionSettings::for_url(name, &broker, &random_client_id())
        .or_else(|_| ConnectionSettings::for_url(name, LOCAL_BROKER, &random_client_id()))
        .expect("the built-in URL parses")
}

/// A client id like MQTTX's: a prefix and random hex.
pub fn random_client_id() -> String {
    format!("wasmqtt_{}", random_hex())
}

/// Eight random hex digits (names, not secrets: `Math.random` is enough).
pub(crate) fn random_hex() -> String {
    format!("{:08x}", (js_sys::Math::random() * f64::from(u32::MAX)) as u32)
}

/// Mounts the app on `<body>`.
pub fn start() {
    settings::apply_saved_theme();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    // The interface language, for every view below (`t`).
    let lang = RwSignal::new(settings::saved_lang());
    settings::apply_lang(lang.get_untracked());
    provide_context(lang);
    let list: Vec<Conn> = match storage::load() {
        Some(saved) => {
            saved.connections.into_iter().zip(1..).map(|(c, id)| storage::restore(id, c)).collect()
        }
        None => vec![Conn::new(1, new_settings("Local mosquitto"))],
    };
    // `scripts/run` on other ports names the broker in the URL: the local connection follows.
    if let Some(broker) = broker_param() {
        if let Some(local) =
            list.iter().find(|c| c.settings.with_untracked(|s| s.name == "Local mosquitto"))
        {
            local.settings.update(|s| storage::point_at(s, &broker));
        }
    }
    // Connections live as long as the app: their signals belong to its owner, not to the
    // view that happened to create them (a Workspace is rebuilt when the selection changes).
    let owner = StoredValue::new(Owner::current().expect("the app is mounted under an owner"));
    let first_id = list.first().map_or(1, |c| c.id);
    let next_id = StoredValue::new(list.iter().map(|c| c.id).max().unwrap_or(0) + 1);
    let conns = RwSignal::new(list);
    let selected = RwSignal::new(first_id);
    let editing = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let shown = move || {
        let query = search.get();
        conns
            .get()
            .into_iter()
            .filter(|c| c.settings.with(|s| s.matches(&query)))
            .collect::<Vec<_>>()
    };
    // The app opens with a ready connection: the first in the list.
    if let Some(conn) = conns.get_untracked().first().copied() {
        let _ = conn.connect(selected);
    }
    // Saved on every change of a connection's settings or subscriptions, or of the list.
    Effect::new(move |_| conns.with(|list| storage::save(storage::snapshot(list))));
    let current = move || conns.with(|list| list.iter().find(|c| c.id == selected.get()).copied());
    let new_connection = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let settings = new_settings(&format!("Connection {id}"));
        let conn = owner.with_value(|o| o.with(|| Conn::new(id, settings)));
        conns.update(|list| list.push(conn));
        selected.set(id);
        editing.set(true);
    };
    view! {
        <div class="app">
            <nav class="sidebar" aria-label=t("Connections")>
                <div class="brand">"wasmqtt"</div>
                <button class="primary" on:click=new_connection>{t("New Connection")}</button>
                <input class="search" type="search" placeholder=t("Search") aria-label=t("Search connections")
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                <p class="note" hidden=move || !shown().is_empty()>{t("No connection matches.")}</p>
                <ul class="connection-list">
                    <For each=shown key=|c| c.id let:conn>
                        <li>
                            <button
                                class="connection-item"
                                class:selected=move || selected.get() == conn.id
                                on:click=move |_| { selected.set(conn.id); conn.unread.set(0); }
                            >
                                <span class=move || format!("dot {}", conn.status.with(|s| s.label().to_lowercase()))></span>
                                <span class="name">{move || conn.settings.with(|s| s.name.clone())}</span>
                                <span class="unread" hidden=move || conn.unread.get() == 0>{move || conn.unread.get()}</span>
                            </button>
                        </li>
                    </For>
                </ul>
                <transfer::Transfer conns next_id owner />
                <settings::Settings conns />
            </nav>
            <main class="workspace">
                {move || current().map(|conn| view! { <Workspace conn conns selected editing next_id owner /> })}
            </main>
        </div>
    }
}

/// What the main area shows.
#[derive(Clone, Copy, PartialEq)]
enum View {
    Messages,
    Topics,
    Chart,
    Packets,
    Info,
}

#[component]
fn Workspace(
    conn: Conn,
    conns: RwSignal<Vec<Conn>>,
    selected: RwSignal<u32>,
    editing: RwSignal<bool>,
    next_id: StoredValue<u32>,
    owner: StoredValue<Owner>,
) -> impl IntoView {
    let lang = lang();
    let duplicate = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let mut settings = conn.settings.get_untracked();
        settings.name = format!("{} (copy)", settings.name);
        settings.client_id = random_client_id();
        let copy = owner.with_value(|o| o.with(|| Conn::new(id, settings)));
        conns.update(|list| list.push(copy));
        selected.set(id);
    };
    let delete = move |_| {
        conn.disconnect();
        conn.clear_messages();
        conns.update(|list| list.retain(|c| c.id != conn.id));
        if let Some(first) = conns.with_untracked(|list| list.first().map(|c| c.id)) {
            selected.set(first);
        }
    };
    let error = RwSignal::new(None::<String>);
    let view_tab = RwSignal::new(View::Messages);
    let view_button = move |which: View, label: &'static str| {
        view! {
            <button role="tab" aria-selected=move || (view_tab.get() == which).to_string() on:click=move |_| view_tab.set(which)>{t(label)}</button>
        }
    };
    let connected = move || {
        matches!(
            conn.status.get(),
            Status::Connected | Status::Connecting | Status::Reconnecting(_)
        )
    };
    let toggle = move |_| {
        if connected() {
            conn.disconnect();
        } else if let Err(e) = conn.connect(selected) {
            error.set(Some(e));
        }
    };
    view! {
        <header class="workspace-header">
            <h1>{move || conn.settings.with(|s| s.name.clone())}</h1>
            <span class="url">{move || conn.settings.with(|s| s.url())}</span>
            <span class="status" role="status">{move || match conn.status.get() {
                Status::Disconnected(Some(why)) => format!("{}: {why}", tr(lang.get(), "Disconnected")),
                Status::Reconnecting(why) => format!("{}: {why}", tr(lang.get(), "Reconnecting")),
                other => tr(lang.get(), other.label()).to_owned(),
            }}</span>
            <div role="tablist" aria-label=t("View") class="view-tabs">
                {view_button(View::Messages, "Messages")}
                {view_button(View::Topics, "Topics")}
                {view_button(View::Chart, "Chart")}
                {view_button(View::Packets, "Packets")}
                {view_button(View::Info, "Info")}
            </div>
            <button on:click=move |_| editing.update(|e| *e = !*e)>{t("Edit")}</button>
            <button on:click=duplicate>{t("Duplicate")}</button>
            <button on:click=delete>{t("Delete")}</button>
            <button class="primary" on:click=toggle>{move || tr(lang.get(), if connected() { "Disconnect" } else { "Connect" })}</button>
        </header>
        <p class="error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
        <Show when=move || editing.get()>
            <connection_form::ConnectionForm conn />
        </Show>
        <div class="panes">
            <subscriptions::Subscriptions conn />
            {move || match view_tab.get() {
                View::Messages => view! {
                    <div class="message-column">
                        <messages::Messages conn />
                        <publish::Publish conn />
                    </div>
                }.into_any(),
                View::Topics => view! { <topics::Topics conn /> }.into_any(),
                View::Chart => view! { <chart::Chart conn /> }.into_any(),
                View::Packets => view! { <packets::Packets conn /> }.into_any(),
                View::Info => view! { <packets::ConnectionInfo conn /> }.into_any(),
            }}
        </div>
    }
}

/// A "QoS" select (0, 1, 2) bound to `qos`.
#[component]
fn QosSelect(qos: RwSignal<u8>) -> impl IntoView {
    view! {
        <label>{t("QoS")}
            <select
                aria-label=t("QoS")
                prop:value=move || qos.get().to_string()
                on:change=move |ev| qos.set(event_target_value(&ev).parse().unwrap_or(0))
            >
                <option value="0">"0"</option>
                <option value="1">"1"</option>
                <option value="2">"2"</option>
            </select>
        </label>
    }
}
