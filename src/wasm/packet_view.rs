//! `packetsend` / `packetreceive`: a packet crosses to `client.js` as its command, strings,
//! numbers, payload and properties in their wire form; `client.js` builds MQTT.js's packet
//! object from them (`onPacket`).

use crate::codec::properties::{properties_to_wire, PropertySet};
use crate::codec::{Packet, ProtocolVersion, ReasonCode};

use super::js::Sink;

/// MQTT.js's `cmd` for each packet.
fn command(p: &Packet) -> &'static str {
    match p {
        Packet::Connect(_) => "connect",
        Packet::ConnAck(_) => "connack",
        Packet::Publish(_) => "publish",
        Packet::PubAck(_) => "puback",
        Packet::PubRec(_) => "pubrec",
        Packet::PubRel(_) => "pubrel",
        Packet::PubComp(_) => "pubcomp",
        Packet::Subscribe(_) => "subscribe",
        Packet::SubAck(_) => "suback",
        Packet::Unsubscribe(_) => "unsubscribe",
        Packet::UnsubAck(_) => "unsuback",
        Packet::PingReq => "pingreq",
        Packet::PingResp => "pingresp",
        Packet::Disconnect(_) => "disconnect",
        Packet::Auth(_) => "auth",
    }
}

/// The strings, numbers, payload and properties of `p`, in the layout `onPacket` reads:
/// - connect: [client id, user name?], [protocol level, clean, keep alive]
/// - connack: [], [session present, reason code]
/// - publish: [topic], [qos | retain << 2 | dup << 3, packet id or 0], payload
/// - puback, pubrec, pubrel, pubcomp: [], [packet id, reason code]
/// - subscribe: filters, [packet id, each filter's options byte]
/// - suback, unsuback: [], [packet id, each reason code]
/// - unsubscribe: filters, [packet id]
/// - disconnect, auth: [], [reason code]
struct View<'a> {
    strings: Vec<String>,
    numbers: Vec<u32>,
    payload: &'a [u8],
    properties: Option<&'a dyn PropertySet>,
}

/// Pushes the packet id, then each reason code.
fn codes(n: &mut Vec<u32>, id: u16, codes: &[ReasonCode]) {
    n.push(id.into());
    for &c in codes {
        n.push(u32::from(c as u8));
    }
}

fn view(p: &Packet, version: ProtocolVersion) -> View<'_> {
    let mut v = View { strings: Vec::new(), numbers: Vec::new(), payload: &[], properties: None };
    let n = &mut v.numbers;
    match p {
        Packet::Connect(c) => {
            v.strings.push(c.client_id.as_str().to_owned());
            v.strings.extend(c.username.as_ref().map(|u| u.as_str().to_owned()));
            n.push(version.level().into());
            n.push(c.clean_start.into());
            n.push(c.keep_alive.into());
            v.properties = Some(&c.properties);
        }
        Packet::ConnAck(c) => {
            let code =
                if version.is_v5() { c.reason_code as u8 } else { c.reason_code.to_v3_connack() };
            n.push(c.session_present.into());
            n.push(code.into());
            v.properties = Some(&c.properties);
        }
        Packet::Publish(p) => {
            let d = &p.delivery;
            let flags = d.qos() as u8 | u8::from(p.retain) << 2 | u8::from(d.dup()) << 3;
            v.strings.push(p.topic.as_str().to_owned());
            n.push(flags.into());
            n.push(d.packet_id().map_or(0, |i| i.get().into()));
            v.payload = &p.payload;
            v.properties = Some(&p.properties);
        }
        Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
            codes(n, a.packet_id.get(), &[a.reason_code]);
            v.properties = Some(&a.properties);
        }
        Packet::Subscribe(s) => {
            n.push(s.packet_id.get().into());
            for s in &s.subscriptions {
                v.strings.push(s.filter.as_str().to_owned());
                n.push(s.options.to_byte(version).into());
            }
            v.properties = Some(&s.properties);
        }
        Packet::SubAck(a) => {
            codes(n, a.packet_id.get(), &a.reason_codes);
            v.properties = Some(&a.properties);
        }
        Packet::UnsubAck(a) => {
            codes(n, a.packet_id.get(), &a.reason_codes);
            v.properties = Some(&a.properties);
        }
        Packet::Unsubscribe(u) => {
            v.strings = u.filters.iter().map(|f| f.as_str().to_owned()).collect();
            n.push(u.packet_id.get().into());
            v.properties = Some(&u.properties);
        }
        Packet::PingReq | Packet::PingResp => {}
        Packet::Disconnect(d) => {
            n.push(u32::from(d.reason_code as u8));
            v.properties = Some(&d.properties);
        }
        Packet::Auth(a) => {
            n.push(u32::from(a.reason_code as u8));
            v.properties = Some(&a.properties);
        }
    }
    v
}

/// Reports `p` to `packetsend` (`sent`) or `packetreceive`.
pub(crate) fn report(sink: &Sink, sent: bool, p: &Packet, version: ProtocolVersion) {
    let v = view(p, version);
    let properties = match v.properties {
        Some(set) if version.is_v5() => properties_to_wire(set),
        _ => Vec::new(),
    };
    sink.on_packet(sent, command(p), v.strings, &v.numbers, v.payload, &properties);
}
