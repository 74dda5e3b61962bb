//! The session fed arbitrary server bytes at arbitrary times, with arbitrary user commands in
//! between, under every protocol version.
//!
//! The input is a script: each step is an opcode byte and its operands. Checks, beyond "no
//! panic": the session never writes while it has no open transport, and every packet it
//! writes decodes under its own version.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmqtt::codec::{
    decode, Decoded, ProtocolVersion, QoS, ReasonCode, Subscription, SubscriptionOptions,
    MAX_PACKET_SIZE,
};
use wasmqtt::session::{Instant, Options, PublishRequest, Session, Transmit};
use wasmqtt::topic::{TopicFilter, TopicName};

/// Reads operands off the front of the script; zeros when it runs out.
struct Script<'a>(&'a [u8]);

impl Script<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }

    fn bytes(&mut self, max: usize) -> &[u8] {
        let n = (self.byte() as usize).min(max).min(self.0.len());
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken
    }

    fn text(&mut self) -> String {
        String::from_utf8_lossy(self.bytes(24)).into_owned()
    }
}

/// Drains the session's outputs, checking what it writes.
fn drain(session: &mut Session, open: &mut bool, version: ProtocolVersion) {
    while let Some(t) = session.poll_transmit() {
        match t {
            Transmit::Open => *open = false,
            Transmit::Close => *open = false,
            Transmit::Bytes(bytes) => {
                assert!(*open, "bytes written with no open transport");
                let mut rest = &bytes[..];
                while !rest.is_empty() {
                    match decode(rest, version, MAX_PACKET_SIZE) {
                        Ok(Decoded::Packet(_, used)) => rest = &rest[used..],
                        other => panic!("the session wrote bytes that do not decode: {other:?}"),
                    }
                }
            }
        }
    }
    while session.poll_event().is_some() {}
}

fuzz_target!(|data: &[u8]| {
    let mut script = Script(data);
    let version = match script.byte() % 3 {
        0 => ProtocolVersion::V3_1,
        1 => ProtocolVersion::V3_1_1,
        _ => ProtocolVersion::V5,
    };
    let mut options = Options { protocol_version: version, ..Options::default() };
    options.properties.topic_alias_maximum = (version == ProtocolVersion::V5).then_some(4);
    options.auto_assign_topic_alias = version == ProtocolVersion::V5;
    let Ok(mut session) = Session::new(options, u64::from(script.byte())) else { return };
    let mut now = Instant::from_millis(0);
    let mut open = false;
    session.connect(now);
    drain(&mut session, &mut open, version);
    while !script.0.is_empty() {
        match script.byte() % 10 {
            0 | 1 => {
                if open {
                    let bytes = script.bytes(255).to_vec();
                    session.handle_bytes(now, &bytes);
                }
            }
            2 => {
                now = now.after(std::time::Duration::from_millis(u64::from(script.byte()) * 250));
                session.handle_timeout(now);
            }
            3 => {
                let topic =
                    TopicName::new(script.text()).unwrap_or_else(|_| TopicName::new("t").unwrap());
                let qos = QoS::try_from(script.byte() % 3).unwrap_or(QoS::AtMostOnce);
                let payload = script.bytes(64).to_vec();
                let request = PublishRequest {
                    topic,
                    qos,
                    payload,
                    retain: script.byte() & 1 == 1,
                    ..Default::default()
                };
                let _ = session.publish(now, request);
            }
            4 => {
                let filter = TopicFilter::new(script.text())
                    .unwrap_or_else(|_| TopicFilter::new("#").unwrap());
                let qos = QoS::try_from(script.byte() % 3).unwrap_or(QoS::AtMostOnce);
                let sub = Subscription {
                    filter,
                    options: SubscriptionOptions { qos, ..Default::default() },
                };
                let _ = session.subscribe(now, vec![sub], Default::default());
            }
            5 => {
                let filter = TopicFilter::new(script.text())
                    .unwrap_or_else(|_| TopicFilter::new("#").unwrap());
                let _ = session.unsubscribe(now, vec![filter], Default::default());
            }
            6 => {
                let _ = session.disconnect(now, ReasonCode::Success, Default::default());
            }
            7 => {
                open = false;
                session.handle_transport_closed(now, None, None);
            }
            8 => {
                open = true;
                session.handle_transport_open(now);
            }
            _ => session.connect(now),
        }
        drain(&mut session, &mut open, version);
    }
});
