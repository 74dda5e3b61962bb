//! The packet inspector's model: every packet sent and received, with its type, size, decoded
//! fields and the bytes on the wire, kept up to a cap.

use wasmqtt::codec::{Packet, ProtocolVersion};

use crate::model::{CappedLog, Numbered};

/// Which way a packet went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Client to server.
    Sent,
    /// Server to client.
    Received,
}

/// One packet as the inspector shows it. The packet is kept as it is: its fields and bytes are
/// made only when shown, not for each of thousands of packets a second.
#[derive(Debug, Clone, PartialEq)]
pub struct PacketRecord {
    /// Position in the log, unique per connection.
    pub seq: u64,
    /// Sent or received.
    pub flow: Flow,
    /// Wall-clock time, milliseconds since the epoch.
    pub time_ms: f64,
    /// `CONNECT`, `PUBLISH`, …
    pub kind: &'static str,
    /// Whole packet size in bytes.
    pub size: usize,
    packet: Box<Packet>,
    version: ProtocolVersion,
}

impl PacketRecord {
    /// Describes `packet` as it went over a `version` connection.
    pub fn new(packet: Box<Packet>, version: ProtocolVersion, flow: Flow, time_ms: f64) -> Self {
        Self {
            seq: 0,
            flow,
            time_ms,
            kind: packet.packet_type().name(),
            // A packet that went over the wire encodes; an error counts as empty.
            size: packet.encoded_len(version).unwrap_or(0),
            packet,
            version,
        }
    }

    /// Decoded fields and then the MQTT 5 properties present, in wire order, as label and
    /// value.
    pub fn fields(&self) -> Vec<(String, String)> {
        fields(&self.packet, self.version)
    }

    /// The packet's bytes, encoded under the connection's version.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.size);
        // A packet that went over the wire encodes; an error leaves the dump empty.
        let _ = self.packet.encode(self.version, &mut bytes);
        bytes
    }

    /// The bytes as a hex dump: 16 per line, offset first.
    pub fn hex_dump(&self) -> String {
        let mut out = String::new();
        for (line, chunk) in self.bytes().chunks(16).enumerate() {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let text: String = chunk
                .iter()
                .map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' })
                .collect();
            out.push_str(&format!("{:04x}  {:<47}  {text}\n", line * 16, hex.join(" ")));
        }
        out
    }
}

/// `PayloadFormatIndicator` as `Payload Format Indicator`.
pub fn spaced(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn fields(packet: &Packet, version: ProtocolVersion) -> Vec<(String, String)> {
    let mut f: Vec<(&'static str, String)> = Vec::new();
    let props: Vec<(&'static str, String)> = match packet {
        Packet::Connect(c) => {
            let protocol = match version {
                ProtocolVersion::V3_1 => "MQIsdp level 3 (MQTT 3.1)",
                ProtocolVersion::V3_1_1 => "MQTT level 4 (MQTT 3.1.1)",
                _ => "MQTT level 5 (MQTT 5.0)",
            };
            f.push(("Protocol", protocol.to_owned()));
            f.push(("Client ID", c.client_id.as_str().to_owned()));
            f.push(("Clean Start", c.clean_start.to_string()));
            f.push(("Keep Alive", format!("{} s", c.keep_alive)));
            if let Some(user) = &c.username {
                f.push(("Username", user.as_str().to_owned()));
            }
            if c.password.is_some() {
                f.push(("Password", "(set, not shown)".into()));
            }
            if let Some(will) = &c.will {
                f.push(("Will Topic", will.topic.as_str().to_owned()));
                f.push(("Will QoS", (will.qos as u8).to_string()));
                f.push(("Will Retain", will.retain.to_string()));
                f.push((
                    "Will Payload",
                    String::from_utf8_lossy(will.payload.as_ref()).into_owned(),
                ));
                let properties: Vec<String> = will
                    .properties
                    .entries()
                    .into_iter()
                    .map(|(name, value)| format!("{}={value}", spaced(name)))
                    .collect();
                if !properties.is_empty() {
                    f.push(("Will Properties", properties.join("; ")));
                }
            }
            c.properties.entries()
        }
        Packet::ConnAck(c) => {
            f.push(("Session Present", c.session_present.to_string()));
            f.push(("Reason Code", c.reason_code.to_string()));
            c.properties.entries()
        }
        Packet::Publish(p) => {
            f.push(("Topic", p.topic.as_str().to_owned()));
            f.push(("QoS", (p.delivery.qos() as u8).to_string()));
            if let Some(id) = p.delivery.packet_id() {
                f.push(("Packet ID", id.to_string()));
            }
            f.push(("Retain", p.retain.to_string()));
            f.push(("DUP", p.delivery.dup().to_string()));
            f.push(("Payload", format!("{} bytes", p.payload.len())));
            p.properties.entries()
        }
        Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
            f.push(("Packet ID", a.packet_id.to_string()));
            f.push(("Reason Code", a.reason_code.to_string()));
            a.properties.entries()
        }
        Packet::Subscribe(s) => {
            f.push(("Packet ID", s.packet_id.to_string()));
            for sub in &s.subscriptions {
                let o = &sub.options;
                let options = format!(
                    "QoS {}, No Local {}, Retain As Published {}, Retain Handling {}",
                    o.qos as u8, o.no_local, o.retain_as_published, o.retain_handling as u8
                );
                f.push(("Topic Filter", format!("{} ({options})", sub.filter.as_str())));
            }
            s.properties.entries()
        }
        Packet::SubAck(s) => {
            f.push(("Packet ID", s.packet_id.to_string()));
            for code in &s.reason_codes {
                f.push(("Reason Code", code.to_string()));
            }
            s.properties.entries()
        }
        Packet::Unsubscribe(u) => {
            f.push(("Packet ID", u.packet_id.to_string()));
            for filter in &u.filters {
                f.push(("Topic Filter", filter.as_str().to_owned()));
            }
            u.properties.entries()
        }
        Packet::UnsubAck(u) => {
            f.push(("Packet ID", u.packet_id.to_string()));
            for code in &u.reason_codes {
                f.push(("Reason Code", code.to_string()));
            }
            u.properties.entries()
        }
        Packet::PingReq | Packet::PingResp => Vec::new(),
        Packet::Disconnect(d) => {
            f.push(("Reason Code", d.reason_code.to_string()));
            d.properties.entries()
        }
        Packet::Auth(a) => {
            f.push(("Reason Code", a.reason_code.to_string()));
            a.properties.entries()
        }
    };
    let mut out: Vec<(String, String)> = f.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    out.extend(props.into_iter().map(|(name, value)| (spaced(name), value)));
    out
}

impl Numbered for PacketRecord {
    fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }
    fn seq(&self) -> u64 {
        self.seq
    }
}

/// A connection's packets.
pub type PacketLog = CappedLog<PacketRecord>;
