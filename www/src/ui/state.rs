//! The live state of each saved connection, as signals, and the glue from the session's
//! events to them.

use leptos::prelude::*;
use wasmqtt::codec::{
    PublishProperties, QoS, RetainHandling, SubscribeProperties, Subscription, SubscriptionId,
    SubscriptionOptions,
};
use wasmqtt::scram::ScramSha256;
use wasmqtt::session::{Event, PublishRequest};
use wasmqtt::topic::{TopicFilter, TopicName};
use wasmqtt::wasm::Connection;

use crate::history::PublishHistory;
use crate::inspect::{Flow, PacketLog, PacketRecord};
use crate::model::{
    property_rows, ConnectionSettings, Direction, MessageLog, MessageRecord, SubscriptionSettings,
};
use crate::subscription_look::color_after;
use crate::tree::TopicTree;

/// Packets kept per connection for the inspector.
const PACKET_CAP: usize = 10_000;

/// Arrivals held for the next frame past this many are applied at once, so that a hidden tab
/// (no animation frames) does not hold an unbounded backlog.
const INBOX_LIMIT: usize = 20_000;

/// Messages, packets and topic updates that arrived since the last frame: applied to the
/// signals once per animation frame, so a burst of thousands of messages a second costs one
/// view update per frame, not one per message.
#[derive(Debug, Default)]
struct Inbox {
    messages: Vec<MessageRecord>,
    packets: Vec<PacketRecord>,
    /// Topic, payload, retained: for the topic tree.
    topics: Vec<(String, Vec<u8>, bool)>,
    unread: u32,
    /// A frame callback is already requested.
    scheduled: bool,
}

impl Inbox {
    fn len(&self) -> usize {
        self.messages.len() + self.packets.len()
    }
}

/// What the server granted in its CONNACK, as label and value, for the connection info.
pub type ServerInfo = Vec<(&'static str, String)>;

/// Where a connection stands, as the list and header show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Not connected, with the reason of the last close if there was one.
    Disconnected(Option<String>),
    /// Opening the socket or waiting for CONNACK.
    Connecting,
    /// CONNACK accepted.
    Connected,
    /// Lost; retrying.
    Reconnecting(String),
}

impl Status {
    /// The word shown in the list.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Disconnected(_) => "Disconnected",
            Self::Connecting => "Connecting",
            Self::Connected => "Connected",
            Self::Reconnecting(_) => "Reconnecting",
        }
    }
}

/// A subscription row and what the server said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRow {
    /// The topic filter.
    pub filter: String,
    /// Requested QoS and options, colour and alias.
    pub options: SubscriptionSettings,
    /// Made on connect; a disabled row stays listed, unsubscribed.
    pub enabled: bool,
    /// Granted QoS, or the failure reason; `None` while waiting for SUBACK (or disabled).
    pub outcome: Option<Result<u8, String>>,
}

/// One saved connection with its live state. Every field is a signal handle, so the whole
/// is `Copy` and moves freely into view closures.
#[derive(Clone, Copy)]
pub struct Conn {
    /// Stable id within this page.
    pub id: u32,
    /// What the connection form edits.
    pub settings: RwSignal<ConnectionSettings>,
    /// Connection state.
    pub status: RwSignal<Status>,
    /// Messages received and published.
    pub log: RwSignal<MessageLog>,
    /// Subscriptions made on it.
    pub subscriptions: RwSignal<Vec<SubscriptionRow>>,
    /// Messages received while another connection was selected.
    pub unread: RwSignal<u32>,
    /// Every packet sent and received, for the inspector.
    pub packets: RwSignal<PacketLog>,
    /// What the last CONNACK granted.
    pub server: RwSignal<ServerInfo>,
    /// Topics seen, by level.
    pub tree: RwSignal<TopicTree>,
    /// The last publishes, as typed.
    pub history: RwSignal<PublishHistory>,
    /// The subscription filter whose messages alone are shown, if one was chosen.
    pub topic_filter: RwSignal<Option<String>>,
    /// Where its messages are kept in IndexedDB; stable across reloads.
    pub key: StoredValue<String>,
    /// Its stored messages have been read back (until then nothing is trimmed from storage).
    store_loaded: StoredValue<bool>,
    /// The session over its WebSocket while connected or retrying.
    link: StoredValue<Option<Connection>, LocalStorage>,
    /// The subscription rows still to be made on the current session (after a connect).
    restore_pending: StoredValue<bool>,
    /// Arrivals waiting for the next frame.
    inbox: StoredValue<Inbox>,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Conn {
    /// A disconnected connection with these settings.
    pub fn new(id: u32, settings: ConnectionSettings) -> Self {
        Self {
            id,
            settings: RwSignal::new(settings),
            status: RwSignal::new(Status::Disconnected(None)),
            // Numbered from the page's start time (a thousand per millisecond fit below the
            // next page's numbers, and 2^53), so stored messages sort before new ones.
            log: RwSignal::new(MessageLog::numbered_from(
                super::settings::current().message_limit as usize,
                (js_sys::Date::now() as u64) << 10,
            )),
            subscriptions: RwSignal::new(Vec::new()),
            unread: RwSignal::new(0),
            packets: RwSignal::new(PacketLog::new(PACKET_CAP)),
            server: RwSignal::new(Vec::new()),
            tree: RwSignal::new(TopicTree::default()),
            history: RwSignal::new(PublishHistory::default()),
            topic_filter: RwSignal::new(None),
            key: StoredValue::new(random_key()),
            store_loaded: StoredValue::new(true),
            link: StoredValue::new_local(None),
            restore_pending: StoredValue::new(false),
            inbox: StoredValue::new(Inbox::default()),
        }
    }

    /// Uses the stored messages under `key` (a connection saved before) and reads them back;
    /// new arrivals meanwhile stay after them.
    pub fn use_stored_messages(self, key: String) {
        self.key.set_value(key.clone());
        self.store_loaded.set_value(false);
        super::message_store::load(&key, move |records| {
            let _ = self.log.try_update(|log| log.prepend_older(records));
            self.store_loaded.set_value(true);
        });
    }

    /// Deletes one message, here and in storage.
    pub fn delete_message(self, seq: u64) {
        self.log.update(|l| {
            l.remove(seq);
        });
        self.key.with_value(|key| super::message_store::delete(key, seq));
    }

    /// Deletes every message, here and in storage.
    pub fn clear_messages(self) {
        self.log.update(MessageLog::clear);
        self.key.with_value(|key| super::message_store::delete_all(key));
    }

    /// Opens the session with the current settings.
    pub fn connect(self, selected: RwSignal<u32>) -> Result<(), String> {
        let settings = self.settings.get_untracked();
        let mut options = settings.session_options()?;
        let app = super::settings::current();
        options.resubscribe = app.auto_resubscribe;
        options.reconnect.max_attempts = app.max_attempts();
        let scram = settings.scram_credentials()?;
        self.status.set(Status::Connecting);
        let on_event = move |e| self.on_event(e, selected);
        let connection = match scram {
            Some((user, password)) => {
                let seed = wasmqtt::wasm::random_bytes(32);
                let scram = Box::new(ScramSha256::new(&user, &password, &seed));
                Connection::open_with_authenticator(&settings.url(), options, true, scram, on_event)
            }
            None => Connection::open(&settings.url(), options, true, on_event),
        }
        .map_err(|e| e.to_string())?;
        self.link.set_value(Some(connection));
        self.restore_pending.set_value(true);
        Ok(())
    }

    /// Disconnects normally and forgets the session.
    pub fn disconnect(self) {
        if let Some(link) = self.link.try_update_value(Option::take).flatten() {
            let _ = link.disconnect();
        }
        self.status.set(Status::Disconnected(None));
    }

    /// Subscribes to `filter` with `settings`; the row shows the SUBACK outcome when it
    /// comes. A bad filter or option is reported by name before anything is sent.
    pub fn subscribe(self, filter: &str, settings: &SubscriptionSettings) -> Result<(), String> {
        let parsed = TopicFilter::new(filter).map_err(|e| e.to_string())?;
        let options = SubscriptionOptions {
            qos: QoS::try_from(settings.qos).map_err(|e| format!("QoS: {e}"))?,
            no_local: settings.no_local,
            retain_as_published: settings.retain_as_published,
            retain_handling: RetainHandling::try_from(settings.retain_handling)
                .map_err(|e| format!("Retain Handling: {e}"))?,
        };
        let mut properties = SubscribeProperties::default();
        if let Some(id) = settings.subscription_identifier {
            let id =
                SubscriptionId::new(id).map_err(|e| format!("Subscription Identifier: {e}"))?;
            properties.subscription_identifier = Some(id);
        }
        let subscription = Subscription { filter: parsed, options };
        self.with_link(|link| {
            link.command(|s, now| s.subscribe(now, vec![subscription], properties))
                .map_err(|e| e.to_string())
        })?;
        self.subscriptions.update(|rows| {
            let mut options = settings.clone();
            if options.color.is_empty() {
                options.color = color_after(rows.len()).to_owned();
            }
            let row = SubscriptionRow {
                filter: filter.to_owned(),
                options,
                enabled: true,
                outcome: None,
            };
            // Made again (a reconnect, or enabled again): it keeps its place in the list.
            match rows.iter_mut().find(|r| r.filter == filter) {
                Some(existing) => *existing = row,
                None => rows.push(row),
            }
        });
        Ok(())
    }

    /// Enables a subscription row (subscribes again) or disables it (unsubscribes, keeps the
    /// row, its options, colour and alias).
    pub fn set_enabled(self, filter: &str, enabled: bool) -> Result<(), String> {
        let Some(options) = self.subscriptions.with_untracked(|rows| {
            rows.iter().find(|r| r.filter == filter).map(|r| r.options.clone())
        }) else {
            return Err(format!("no subscription {filter:?}"));
        };
        if enabled {
            return self.subscribe(filter, &options);
        }
        let parsed = TopicFilter::new(filter).map_err(|e| e.to_string())?;
        // Offline there is nothing to undo at the broker: the row is not made on connect.
        if self.status.with_untracked(|s| *s == Status::Connected) {
            self.with_link(|link| link.unsubscribe(vec![parsed]).map_err(|e| e.to_string()))?;
        }
        self.update_row(filter, |r| {
            r.enabled = false;
            r.outcome = None;
        });
        Ok(())
    }

    /// Changes one subscription row in place.
    pub fn update_row(self, filter: &str, change: impl FnOnce(&mut SubscriptionRow)) {
        self.subscriptions.update(|rows| {
            if let Some(r) = rows.iter_mut().find(|r| r.filter == filter) {
                change(r);
            }
        });
    }

    /// Unsubscribes from `filter`.
    pub fn unsubscribe(self, filter: &str) -> Result<(), String> {
        let parsed = TopicFilter::new(filter).map_err(|e| e.to_string())?;
        let made = self
            .subscriptions
            .with_untracked(|rows| rows.iter().any(|r| r.filter == filter && r.enabled))
            && self.status.with_untracked(|s| *s == Status::Connected);
        if made {
            self.with_link(|link| link.unsubscribe(vec![parsed]).map_err(|e| e.to_string()))?;
        }
        self.subscriptions.update(|rows| rows.retain(|r| r.filter != filter));
        if self.topic_filter.with_untracked(|f| f.as_deref() == Some(filter)) {
            self.topic_filter.set(None);
        }
        Ok(())
    }

    /// Publishes and logs the message as published.
    pub fn publish(
        self,
        topic: &str,
        payload: Vec<u8>,
        qos: u8,
        retain: bool,
        properties: PublishProperties,
    ) -> Result<(), String> {
        let name = TopicName::new(topic).map_err(|e| e.to_string())?;
        let qos_value = QoS::try_from(qos).map_err(|e| e.to_string())?;
        let request = PublishRequest {
            topic: name,
            payload: payload.clone(),
            qos: qos_value,
            retain,
            properties: properties.clone(),
        };
        self.with_link(|link| link.publish(request).map_err(|e| e.to_string()))?;
        self.record(MessageRecord {
            seq: 0,
            direction: Direction::Published,
            topic: topic.to_owned(),
            payload,
            qos: qos_value,
            retain,
            time_ms: js_sys::Date::now(),
            properties: property_rows(&properties),
        });
        Ok(())
    }

    /// Makes the saved subscription rows on a new session (the session itself restores what
    /// it subscribed, after a lost session).
    fn resubscribe(self) {
        let rows = self.subscriptions.get_untracked();
        for row in rows.into_iter().filter(|r| r.enabled) {
            if let Err(e) = self.subscribe(&row.filter, &row.options) {
                self.update_row(&row.filter, |r| r.outcome = Some(Err(e)));
            }
        }
    }

    fn with_link<R>(self, f: impl FnOnce(&Connection) -> Result<R, String>) -> Result<R, String> {
        self.link
            .with_value(|link| link.as_ref().map(f))
            .unwrap_or_else(|| Err("not connected: press Connect first".into()))
    }

    fn record(self, record: MessageRecord) {
        self.to_inbox(|inbox| inbox.messages.push(record));
    }

    fn trace(self, packet: Box<wasmqtt::codec::Packet>, flow: Flow) {
        let version = self.settings.with_untracked(|s| s.version);
        let record = PacketRecord::new(packet, version, flow, js_sys::Date::now());
        self.to_inbox(|inbox| inbox.packets.push(record));
    }

    /// Holds an arrival for the next animation frame (requesting one if needed).
    fn to_inbox(self, add: impl FnOnce(&mut Inbox)) {
        let (schedule, full) = self
            .inbox
            .try_update_value(|inbox| {
                add(inbox);
                (!std::mem::replace(&mut inbox.scheduled, true), inbox.len() >= INBOX_LIMIT)
            })
            .unwrap_or_default();
        if full {
            self.flush_inbox();
        } else if schedule {
            request_animation_frame(move || self.flush_inbox());
        }
    }

    /// Applies what arrived since the last frame: one update per signal.
    fn flush_inbox(self) {
        let Some(inbox) = self.inbox.try_update_value(std::mem::take) else { return };
        if !inbox.topics.is_empty() {
            self.tree.update(|tree| {
                for (topic, payload, retain) in &inbox.topics {
                    tree.record(topic, payload, *retain);
                }
            });
        }
        if !inbox.packets.is_empty() {
            self.packets.update(|log| log.extend(inbox.packets));
        }
        if !inbox.messages.is_empty() {
            let count = inbox.messages.len();
            let (added, oldest_kept) = self
                .log
                .try_update(|log| {
                    log.extend(inbox.messages);
                    let added: Vec<MessageRecord> =
                        log.iter().skip(log.len().saturating_sub(count)).cloned().collect();
                    // Once the stored messages are read back, what the log let go goes from storage.
                    let full = self.store_loaded.get_value() && log.len() >= log.cap();
                    (added, full.then(|| log.get(0).map(|m| m.seq)).flatten())
                })
                .unwrap_or_default();
            self.key.with_value(|key| super::message_store::append(key, &added, oldest_kept));
        }
        if inbox.unread > 0 {
            self.unread.update(|n| *n += inbox.unread);
        }
    }

    fn on_event(self, event: Event, selected: RwSignal<u32>) {
        match event {
            Event::Connected(c) => {
                self.server.set(server_info(&c));
                self.status.set(Status::Connected);
                if self.restore_pending.try_update_value(std::mem::take).unwrap_or(false) {
                    self.resubscribe();
                }
            }
            Event::PacketSent(p) => self.trace(p, Flow::Sent),
            Event::PacketReceived(p) => self.trace(p, Flow::Received),
            Event::Connecting { attempt } if attempt > 1 => {}
            Event::Connecting { .. } => self.status.set(Status::Connecting),
            Event::Message(m) => {
                let unread = u32::from(selected.get_untracked() != self.id);
                let topic = (m.topic.as_str().to_owned(), m.payload.clone(), m.retain);
                self.to_inbox(|inbox| {
                    inbox.unread += unread;
                    inbox.topics.push(topic);
                });
                self.record(MessageRecord {
                    seq: 0,
                    direction: Direction::Received,
                    topic: m.topic.as_str().to_owned(),
                    properties: property_rows(&m.properties),
                    payload: m.payload,
                    qos: m.qos,
                    retain: m.retain,
                    time_ms: js_sys::Date::now(),
                });
            }
            Event::Subscribed { results, .. } => self.subscriptions.update(|rows| {
                let waiting = rows.iter_mut().filter(|r| r.outcome.is_none());
                for (row, result) in waiting.zip(results) {
                    row.outcome = Some(result.map(|q| q as u8).map_err(|r| r.to_string()));
                }
            }),
            Event::Closed { reason, reconnect_at } => {
                let text = reason.to_string();
                self.status.set(match reconnect_at {
                    Some(_) => Status::Reconnecting(text),
                    None => Status::Disconnected(Some(text)),
                });
            }
            Event::Ended => self.status.update(|s| {
                if !matches!(s, Status::Disconnected(_)) {
                    *s = Status::Disconnected(None);
                }
            }),
            _ => {}
        }
    }
}

fn server_info(c: &wasmqtt::session::Connected) -> ServerInfo {
    let l = &c.limits;
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let p = &c.connack.properties;
    let mut info = vec![
        ("Client ID", c.client_id.clone()),
        ("Session Present", yes_no(c.connack.session_present)),
        ("Keep Alive", format!("{} s", l.keep_alive)),
        ("Receive Maximum", l.receive_maximum.to_string()),
        ("Maximum QoS", (l.maximum_qos as u8).to_string()),
        ("Retain Available", yes_no(l.retain_available)),
        (
            "Maximum Packet Size",
            l.maximum_packet_size.map_or("no limit".into(), |n| format!("{n} bytes")),
        ),
        ("Topic Alias Maximum", l.topic_alias_maximum.to_string()),
        ("Wildcard Subscriptions", yes_no(l.wildcard_subscription_available)),
        ("Subscription Identifiers", yes_no(l.subscription_identifiers_available)),
        ("Shared Subscriptions", yes_no(l.shared_subscription_available)),
    ];
    if p.assigned_client_identifier.is_some() {
        info.push(("Assigned by the server", "yes".into()));
    }
    if let Some(r) = &p.response_information {
        info.push(("Response Information", r.as_str().to_owned()));
    }
    if let Some(r) = &p.reason_string {
        info.push(("Reason String", r.as_str().to_owned()));
    }
    info
}

/// A fresh IndexedDB key for a connection's messages.
fn random_key() -> String {
    super::random_hex() + &super::random_hex()
}
