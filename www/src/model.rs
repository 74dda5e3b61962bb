//! The app's state models, free of the browser so that they are tested natively: connection
//! settings and the session options they make, the message log with its cap, and payload
//! rendering in each view format.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::history::PublishHistory;
use crate::will::WillSettings;
use std::num::NonZeroU16;

use wasmqtt::codec::{
    BinaryData, MqttString, ProtocolVersion, PublishProperties, QoS, UserProperty,
};
use wasmqtt::session::{ClientId, Options};
use wasmqtt::topic::TopicName;

/// `ws://` or `wss://`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Plain WebSocket: fine on loopback, credentials travel in clear text elsewhere.
    Ws,
    /// WebSocket over TLS.
    Wss,
}

/// A saved connection, as the connection form edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSettings {
    /// The name shown in the connection list.
    pub name: String,
    /// `ws://` or `wss://`.
    pub scheme: Scheme,
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// WebSocket path, e.g. `/mqtt`.
    pub path: String,
    /// Client identifier; empty asks the server to assign one.
    pub client_id: String,
    /// User name; empty sends none.
    pub username: String,
    /// Password; empty sends none.
    pub password: String,
    /// Keep the password in the browser's storage (off by default: a shared machine's next
    /// user could read it there).
    #[serde(default)]
    pub remember_password: bool,
    /// MQTT 3.1, 3.1.1 or 5.0 (saved as its protocol level: 3, 4 or 5).
    #[serde(with = "protocol_level")]
    pub version: ProtocolVersion,
    /// Keep alive, seconds.
    pub keep_alive: u16,
    /// Clean Start (Clean Session before 5.0).
    pub clean_start: bool,
    /// Session Expiry Interval, seconds (5.0).
    pub session_expiry: u32,
    /// Connect timeout, seconds.
    pub connect_timeout: u32,
    /// Reconnect automatically after a lost connection.
    pub auto_reconnect: bool,
    /// First reconnect delay, milliseconds (then exponential backoff).
    pub reconnect_period_ms: u32,
    /// 5.0: Receive Maximum; 0 leaves the default (65,535).
    #[serde(default)]
    pub receive_maximum: u16,
    /// 5.0: Maximum Packet Size; 0 for no limit.
    #[serde(default)]
    pub maximum_packet_size: u32,
    /// 5.0: Topic Alias Maximum (aliases the server may use); 0 for none.
    #[serde(default)]
    pub topic_alias_maximum: u16,
    /// 5.0: Request Response Information.
    #[serde(default)]
    pub request_response_information: bool,
    /// 5.0: Request Problem Information (on unless turned off, as in the protocol).
    #[serde(default = "yes")]
    pub request_problem_information: bool,
    /// 5.0: CONNECT user properties, one `key=value` per line.
    #[serde(default)]
    pub user_properties: String,
    /// 5.0: enhanced authentication with SCRAM-SHA-256: the username and password prove
    /// themselves in the AUTH exchange instead of travelling in CONNECT.
    #[serde(default)]
    pub scram: bool,
    /// The Last Will.
    #[serde(default)]
    pub will: WillSettings,
}

fn yes() -> bool {
    true
}

impl ConnectionSettings {
    /// A connection to `url` (`ws[s]://host:port/path`), named `name`, with MQTTX's defaults.
    pub fn for_url(name: &str, url: &str, client_id: &str) -> Result<Self, String> {
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("ws://") {
            (Scheme::Ws, rest)
        } else if let Some(rest) = url.strip_prefix("wss://") {
            (Scheme::Wss, rest)
        } else {
            return Err(format!("{url:?} is not a ws:// or wss:// URL"));
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => {
                let port = port.parse().map_err(|_| format!("port {port:?} is not a number"))?;
                (host, port)
            }
            None => (authority, if scheme == Scheme::Ws { 80 } else { 443 }),
        };
        if host.is_empty() {
            return Err(format!("{url:?} has no host"));
        }
        Ok(Self {
            name: name.to_owned(),
            scheme,
            host: host.to_owned(),
            port,
            path: if path.is_empty() { "/".into() } else { path.to_owned() },
            client_id: client_id.to_owned(),
            username: String::new(),
            password: String::new(),
            remember_password: false,
            version: ProtocolVersion::V5,
            keep_alive: 60,
            clean_start: true,
            session_expiry: 0,
            connect_timeout: 10,
            auto_reconnect: true,
            reconnect_period_ms: 1000,
            receive_maximum: 0,
            maximum_packet_size: 0,
            topic_alias_maximum: 0,
            request_response_information: false,
            request_problem_information: true,
            user_properties: String::new(),
            scram: false,
            will: WillSettings::default(),
        })
    }

    /// Whether the connection list's search `query` finds this connection: in its name, URL
    /// or client id, ignoring case (MQTTX searches names only; a host is what people recall).
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        query.is_empty()
            || [self.name.as_str(), &self.url(), self.client_id.as_str()]
                .iter()
                .any(|field| field.to_lowercase().contains(&query))
    }

    /// The WebSocket URL.
    pub fn url(&self) -> String {
        let scheme = if self.scheme == Scheme::Ws { "ws" } else { "wss" };
        let path =
            if self.path.starts_with('/') { self.path.clone() } else { format!("/{}", self.path) };
        format!("{scheme}://{}:{}{path}", self.host, self.port)
    }

    /// The session options these settings make, or what is wrong with them.
    pub fn session_options(&self) -> Result<Options, String> {
        let mut options = Options {
            protocol_version: self.version,
            client_id: if self.client_id.is_empty() {
                ClientId::AssignedByServer
            } else {
                ClientId::Fixed(
                    MqttString::new(self.client_id.clone())
                        .map_err(|e| format!("Client ID: {e}"))?,
                )
            },
            clean_start: self.clean_start,
            keep_alive: self.keep_alive,
            connect_timeout: Duration::from_secs(u64::from(self.connect_timeout.max(1))),
            packet_events: true,
            ..Options::default()
        };
        // With SCRAM the credentials go in the AUTH exchange, not in CONNECT.
        if !self.username.is_empty() && !self.scram {
            let name =
                MqttString::new(self.username.clone()).map_err(|e| format!("Username: {e}"))?;
            options.username = Some(name);
        }
        if !self.password.is_empty() && !self.scram {
            let password = BinaryData::new(self.password.as_bytes().to_vec())
                .map_err(|e| format!("Password: {e}"))?;
            options.password = Some(password);
        }
        if self.version == ProtocolVersion::V5 {
            self.v5_properties(&mut options.properties)?;
        }
        options.will = self.will.to_will(self.version)?;
        options.reconnect.enabled = self.auto_reconnect;
        options.reconnect.min_delay = Duration::from_millis(u64::from(self.reconnect_period_ms));
        Ok(options)
    }

    /// The CONNECT properties of the 5.0 settings.
    fn v5_properties(&self, p: &mut wasmqtt::codec::ConnectProperties) -> Result<(), String> {
        p.session_expiry_interval = (self.session_expiry > 0).then_some(self.session_expiry);
        p.receive_maximum = NonZeroU16::new(self.receive_maximum);
        p.maximum_packet_size = std::num::NonZeroU32::new(self.maximum_packet_size);
        p.topic_alias_maximum = (self.topic_alias_maximum > 0).then_some(self.topic_alias_maximum);
        p.request_response_information = self.request_response_information.then_some(true);
        // Absent means on: only "off" needs saying.
        p.request_problem_information = (!self.request_problem_information).then_some(false);
        p.user_properties = parse_user_properties(&self.user_properties)?;
        Ok(())
    }

    /// The username and password for SCRAM-SHA-256 when it is chosen, or why it cannot be.
    pub fn scram_credentials(&self) -> Result<Option<(String, String)>, String> {
        if !self.scram {
            return Ok(None);
        }
        if self.version != ProtocolVersion::V5 {
            return Err("SCRAM-SHA-256 (enhanced authentication) needs MQTT 5.0".into());
        }
        if self.username.is_empty() || self.password.is_empty() {
            return Err("SCRAM-SHA-256 needs a username and a password".into());
        }
        Ok(Some((self.username.clone(), self.password.clone())))
    }
}

/// User properties typed one `key=value` per line (blank lines skipped; order and repeats
/// kept), or the first line that is not one.
pub fn parse_user_properties(text: &str) -> Result<Vec<UserProperty>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| format!("User Properties: {line:?} is not key=value"))?;
            UserProperty::new(key.trim(), value.trim()).map_err(|e| format!("User Properties: {e}"))
        })
        .collect()
}

/// Who sent a message shown in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the broker.
    Received,
    /// Published from this page.
    Published,
}

/// One message in a connection's log.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRecord {
    /// Position in the log, unique per connection; keys the list rows.
    pub seq: u64,
    /// Received or published.
    pub direction: Direction,
    /// The topic.
    pub topic: String,
    /// The payload bytes, kept raw so that the view can change format.
    pub payload: Vec<u8>,
    /// QoS.
    pub qos: QoS,
    /// Retained (received from the retained store, or published with retain).
    pub retain: bool,
    /// Wall-clock time, milliseconds since the epoch.
    pub time_ms: f64,
    /// Its MQTT 5 properties as label and value (empty under 3.x).
    pub properties: Vec<(String, String)>,
}

/// A record a [`CappedLog`] numbers as it takes it.
pub trait Numbered {
    /// Stores the record's position in its log.
    fn set_seq(&mut self, seq: u64);
    /// The position stored.
    fn seq(&self) -> u64;
}

impl Numbered for MessageRecord {
    fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }
    fn seq(&self) -> u64 {
        self.seq
    }
}

/// A log, oldest first, holding at most `cap` records: the oldest go first. Positions
/// (`seq`) never repeat, also across `clear`, so they key list rows safely.
#[derive(Debug, Clone, PartialEq)]
pub struct CappedLog<T> {
    cap: usize,
    next_seq: u64,
    items: VecDeque<T>,
}

/// A connection's messages.
pub type MessageLog = CappedLog<MessageRecord>;

impl<T: Numbered> CappedLog<T> {
    /// An empty log that keeps at most `cap` records.
    pub fn new(cap: usize) -> Self {
        Self::numbered_from(cap, 0)
    }

    /// An empty log whose first record is numbered `first`: a page numbers from its start time,
    /// so that records stored by earlier pages keep smaller numbers than its own.
    pub fn numbered_from(cap: usize, first: u64) -> Self {
        Self { cap: cap.max(1), next_seq: first, items: VecDeque::new() }
    }

    /// Puts records read back from storage before the ones held (those numbered from the
    /// oldest held on are left out: they are here already), keeping the newest `cap`.
    pub fn prepend_older(&mut self, mut older: Vec<T>) {
        let first_held = self.items.front().map(Numbered::seq);
        older.retain(|r| first_held.is_none_or(|first| r.seq() < first));
        older.sort_by_key(Numbered::seq);
        if let Some(last) = older.last() {
            self.next_seq = self.next_seq.max(last.seq() + 1);
        }
        for record in older.into_iter().rev() {
            self.items.push_front(record);
        }
        while self.items.len() > self.cap {
            self.items.pop_front();
        }
    }

    /// How many records the log keeps at most.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Keeps at most `cap` records from now on; the oldest past it go at once.
    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap.max(1);
        while self.items.len() > self.cap {
            self.items.pop_front();
        }
    }

    /// Adds a record (its `seq` is assigned here); drops the oldest past the cap.
    pub fn push(&mut self, mut record: T) -> u64 {
        let seq = self.next_seq;
        record.set_seq(seq);
        self.next_seq += 1;
        self.items.push_back(record);
        while self.items.len() > self.cap {
            self.items.pop_front();
        }
        seq
    }

    /// Adds records in order, as [`push`](Self::push) does.
    pub fn extend(&mut self, records: impl IntoIterator<Item = T>) {
        for record in records {
            self.push(record);
        }
    }

    /// The record at `index` (0 is the oldest held).
    pub fn get(&self, index: usize) -> Option<&T> {
        self.items.get(index)
    }

    /// The record numbered `seq`, if still held.
    pub fn find(&self, seq: u64) -> Option<&T> {
        self.position(seq).and_then(|i| self.items.get(i))
    }

    /// Removes the record numbered `seq`; whether it was held.
    pub fn remove(&mut self, seq: u64) -> bool {
        self.position(seq).and_then(|i| self.items.remove(i)).is_some()
    }

    /// Where the record numbered `seq` is: numbers increase from the oldest, so a binary search.
    fn position(&self, seq: u64) -> Option<usize> {
        self.items.binary_search_by_key(&seq, |r| r.seq()).ok()
    }

    /// The records, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.items.iter()
    }

    /// How many are held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether none are held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Forgets every record.
    pub fn clear(&mut self) {
        self.items.clear();
    }
}

/// How a payload is shown and typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadFormat {
    /// UTF-8 text (invalid bytes shown as U+FFFD).
    Plaintext,
    /// JSON, pretty-printed when valid.
    Json,
    /// Base64.
    Base64,
    /// Hexadecimal bytes.
    Hex,
    /// CBOR (RFC 8949), shown in diagnostic notation; typed as JSON.
    Cbor,
    /// MessagePack, shown like JSON; typed as JSON.
    MessagePack,
}

impl PayloadFormat {
    /// Every format, in menu order.
    pub const ALL: [PayloadFormat; 6] =
        [Self::Plaintext, Self::Json, Self::Base64, Self::Hex, Self::Cbor, Self::MessagePack];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Plaintext => "Plaintext",
            Self::Json => "JSON",
            Self::Base64 => "Base64",
            Self::Hex => "Hex",
            Self::Cbor => "CBOR",
            Self::MessagePack => "MessagePack",
        }
    }

    /// The format with this label.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.label() == label)
    }

    /// The payload as text in this format.
    pub fn render(self, payload: &[u8]) -> String {
        match self {
            Self::Plaintext => String::from_utf8_lossy(payload).into_owned(),
            Self::Json => {
                let text = String::from_utf8_lossy(payload);
                crate::json::pretty(&text).unwrap_or_else(|| text.into_owned())
            }
            Self::Base64 => crate::encoding::base64_encode(payload),
            Self::Hex => crate::encoding::hex_encode(payload),
            Self::Cbor => binary_view(crate::cbor::decode(payload), payload, "CBOR"),
            Self::MessagePack => {
                binary_view(crate::msgpack::decode(payload), payload, "MessagePack")
            }
        }
    }

    /// The bytes that text typed in this format stands for, or why it is not valid.
    pub fn parse(self, text: &str) -> Result<Vec<u8>, String> {
        match self {
            Self::Plaintext => Ok(text.as_bytes().to_vec()),
            Self::Json => match crate::json::pretty(text) {
                Some(_) => Ok(text.as_bytes().to_vec()),
                None => Err("the payload is not valid JSON".into()),
            },
            Self::Base64 => crate::encoding::base64_decode(text),
            Self::Hex => crate::encoding::hex_decode(text),
            Self::Cbor => crate::value::Value::from_json(text).map(|v| crate::cbor::encode(&v)),
            Self::MessagePack => {
                crate::value::Value::from_json(text).map(|v| crate::msgpack::encode(&v))
            }
        }
    }
}

/// A decoded binary payload as text; one that does not decode says why, then shows its bytes.
fn binary_view(
    decoded: Result<crate::value::Value, String>,
    payload: &[u8],
    format: &str,
) -> String {
    match decoded {
        Ok(value) => value.pretty(),
        Err(e) => format!(
            "(not {format}: {e})
{}",
            crate::encoding::hex_encode(payload)
        ),
    }
}

/// A `ProtocolVersion` saved as its protocol level (3, 4, 5).
mod protocol_level {
    use serde::{Deserialize, Deserializer, Serializer};
    use wasmqtt::codec::ProtocolVersion;

    pub(super) fn serialize<S: Serializer>(v: &ProtocolVersion, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(v.level())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<ProtocolVersion, D::Error> {
        let level = u8::deserialize(d)?;
        ProtocolVersion::try_from(level).map_err(|_| {
            serde::de::Error::custom(format!("MQTT protocol level {level} is not 3, 4 or 5"))
        })
    }
}

/// A subscription's options as the form sets them (MQTT 5 ones are ignored under 3.x).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionSettings {
    /// Requested QoS.
    pub qos: u8,
    /// No Local: not sent our own messages back.
    pub no_local: bool,
    /// Retain As Published: keep the retain flag as the publisher set it.
    pub retain_as_published: bool,
    /// Retain Handling: 0 send retained, 1 only for a new subscription, 2 never.
    pub retain_handling: u8,
    /// Subscription Identifier (1 to 268,435,455), if any.
    pub subscription_identifier: Option<u32>,
    /// The colour of the bar beside its messages, `#rrggbb`; empty until one is given.
    pub color: String,
    /// A name shown instead of the filter; empty for none.
    pub alias: String,
}

/// A subscription as saved: made again after every connect where the server has no session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSubscription {
    /// The topic filter.
    pub filter: String,
    /// Its options.
    #[serde(flatten)]
    pub options: SubscriptionSettings,
    /// Whether it is made on connect; a disabled one is kept, unsubscribed.
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// A connection as saved: its settings and subscriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedConnection {
    /// The settings.
    #[serde(flatten)]
    pub settings: ConnectionSettings,
    /// Its subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<SavedSubscription>,
    /// Where its messages are kept in this browser's IndexedDB (left out of exports: an
    /// imported connection starts its own).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Its last publishes (kept across reloads, left out of exports).
    #[serde(default, skip_serializing_if = "PublishHistory::is_empty")]
    pub history: PublishHistory,
}

/// Everything the app keeps across reloads, and the export/import file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedApp {
    /// Format version of this document.
    pub format: u32,
    /// The connections, in list order.
    pub connections: Vec<SavedConnection>,
}

impl SavedApp {
    /// This app's format version.
    pub const FORMAT: u32 = 1;

    /// The document as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The document as the browser's storage keeps it: passwords only where the user ticked
    /// "Remember password".
    pub fn for_storage(mut self) -> Self {
        for c in &mut self.connections {
            if !c.settings.remember_password {
                c.settings.password.clear();
            }
        }
        self
    }

    /// The document as an export file: with passwords only when asked (`with_passwords`);
    /// publish histories stay in this browser (payloads may be private).
    pub fn for_export(mut self, with_passwords: bool) -> Self {
        for c in &mut self.connections {
            if !with_passwords {
                c.settings.password.clear();
            }
            c.history.clear();
            c.key.clear();
        }
        self
    }

    /// Reads a document, or says what is wrong with it.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let saved: Self = serde_json::from_str(text)
            .map_err(|e| format!("not a wasmqtt connections file: {e}"))?;
        if saved.format != Self::FORMAT {
            return Err(format!(
                "connections file format {} is not {}",
                saved.format,
                Self::FORMAT
            ));
        }
        Ok(saved)
    }
}

/// The MQTT 5 properties of the publish form, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublishPropertiesForm {
    /// Payload Format Indicator: the payload is UTF-8 text.
    pub utf8: bool,
    /// Message Expiry Interval in seconds; empty for none.
    pub message_expiry: String,
    /// Content Type; empty for none.
    pub content_type: String,
    /// Response Topic; empty for none.
    pub response_topic: String,
    /// Correlation Data (as text); empty for none.
    pub correlation_data: String,
    /// User properties, one `key=value` per line; order and repeats kept.
    pub user_properties: String,
    /// Topic Alias; empty for none.
    pub topic_alias: String,
}

impl PublishPropertiesForm {
    /// The properties, or the first bad value named with its field.
    pub fn to_properties(&self) -> Result<PublishProperties, String> {
        let mut p = PublishProperties {
            payload_format_indicator: self.utf8.then_some(true),
            ..Default::default()
        };
        if let Some(text) = non_empty(&self.message_expiry) {
            let seconds = text.parse().map_err(|_| {
                format!("Message Expiry Interval {text:?} is not a number of seconds")
            })?;
            p.message_expiry_interval = Some(seconds);
        }
        p.content_type = optional(&self.content_type, "Content Type", MqttString::new)?;
        p.response_topic = optional(&self.response_topic, "Response Topic", TopicName::new)?;
        p.correlation_data = optional(&self.correlation_data, "Correlation Data", binary)?;
        if let Some(text) = non_empty(&self.topic_alias) {
            let alias = text.parse::<u16>().ok().and_then(NonZeroU16::new);
            p.topic_alias =
                Some(alias.ok_or_else(|| {
                    format!("Topic Alias {text:?} is not a number from 1 to 65535")
                })?);
        }
        p.user_properties = parse_user_properties(&self.user_properties)?;
        Ok(p)
    }
}

/// `text` trimmed, unless that leaves nothing.
pub(crate) fn non_empty(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// An optional field: `None` when left empty, else `parse`d, a failure named with `field`.
pub(crate) fn optional<T, E: std::fmt::Display>(
    text: &str,
    field: &str,
    parse: impl FnOnce(String) -> Result<T, E>,
) -> Result<Option<T>, String> {
    non_empty(text).map(|t| parse(t.to_owned())).transpose().map_err(|e| format!("{field}: {e}"))
}

/// Text typed for a binary field (Correlation Data): its UTF-8 bytes.
pub(crate) fn binary(text: String) -> Result<BinaryData, wasmqtt::codec::ValueError> {
    BinaryData::new(text.into_bytes())
}

/// A message's MQTT 5 properties as label and value, for the message list.
pub fn property_rows(p: &PublishProperties) -> Vec<(String, String)> {
    p.entries().into_iter().map(|(name, value)| (crate::inspect::spaced(name), value)).collect()
}
