//! Connections and their subscriptions kept in `localStorage` across reloads (settings only:
//! a few kilobytes; messages are in IndexedDB, see `message_store`).

use leptos::prelude::*;

use super::state::{Conn, SubscriptionRow};
use crate::model::{ConnectionSettings, SavedApp, SavedConnection, SavedSubscription};

const KEY: &str = "wasmqtt.connections";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved connections, if there are any and they read back.
pub(super) fn load() -> Option<SavedApp> {
    let text = storage()?.get_item(KEY).ok()??;
    SavedApp::from_json(&text).ok().filter(|app| !app.connections.is_empty())
}

/// The live connections as a document.
pub(super) fn snapshot(conns: &[Conn]) -> SavedApp {
    SavedApp {
        format: SavedApp::FORMAT,
        connections: conns
            .iter()
            .map(|c| SavedConnection {
                settings: c.settings.get(),
                subscriptions: c.subscriptions.with(|rows| {
                    rows.iter()
                        .map(|r| SavedSubscription {
                            filter: r.filter.clone(),
                            options: r.options.clone(),
                            enabled: r.enabled,
                        })
                        .collect()
                }),
                key: c.key.get_value(),
                history: c.history.get(),
            })
            .collect(),
    }
}

/// Writes the document, passwords only where the user asked; a full or forbidden storage is
/// not an error worth stopping for.
pub(super) fn save(app: SavedApp) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &app.for_storage().to_json());
    }
}

/// A connection from its saved form, with id `id`; its subscriptions are made again at its
/// first CONNACK.
pub(super) fn restore(id: u32, saved: SavedConnection) -> Conn {
    let conn = Conn::new(id, saved.settings);
    conn.history.set(saved.history);
    if !saved.key.is_empty() {
        conn.use_stored_messages(saved.key);
    }
    conn.subscriptions.set(
        saved
            .subscriptions
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let mut options = s.options;
                // Saved before subscriptions had colours: one in turn.
                if options.color.is_empty() {
                    options.color = crate::subscription_look::color_after(i).to_owned();
                }
                SubscriptionRow { filter: s.filter, options, enabled: s.enabled, outcome: None }
            })
            .collect(),
    );
    conn
}

/// `settings` pointed at `broker` (`ws://host:port/path`), when it parses.
pub(super) fn point_at(settings: &mut ConnectionSettings, broker: &str) {
    if let Ok(other) = ConnectionSettings::for_url(&settings.name, broker, &settings.client_id) {
        settings.scheme = other.scheme;
        settings.host = other.host;
        settings.port = other.port;
        settings.path = other.path;
    }
}
