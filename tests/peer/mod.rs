//! A scripted peer and a virtual clock for driving a [`Session`] deterministically, in the
//! manner of quinn-proto's test pair: the test plays the server, byte for byte, and time moves

//! the same rules are also proven against a real mosquitto where it can play them.

#![allow(dead_code)]

use std::num::NonZeroU16;

use wasmqtt::codec::{
    Ack, ConnAck, ConnAckProperties, Connect, Packet, PacketId, ProtocolVersion, ReasonCode,
    StreamDecoder, MAX_PACKET_SIZE,
};
use wasmqtt::session::{Event, Instant, Options, Session, Transmit};
use wasmqtt::topic::{TopicFilter, TopicName};

/// What the client did with its transport, decoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out {
    Open,
    Packet(Packet),
    Close,
}

pub(crate) struct Pair {
    pub(crate) session: Session,
    pub(crate) now: Instant,
    pub(crate) version: ProtocolVersion,
    server_decoder: StreamDecoder,
}

impl Pair {
    pub(crate) fn new(options: Options) -> Self {
        let version = options.protocol_version;
        let session = Session::new(options, 42).expect("valid options");
        Self {
            session,
            now: Instant::from_millis(1_000),
            version,
            server_decoder: StreamDecoder::new(version, MAX_PACKET_SIZE),
        }
    }

    pub(crate) fn with_version(version: ProtocolVersion) -> Self {
        Self::new(Options { protocol_version: version, ..Options::default() })
    }

    /// Everything the client wants done with the transport since the last call.
    pub(crate) fn outputs(&mut self) -> Vec<Out> {
        let mut outs = Vec::new();
        while let Some(t) = self.session.poll_transmit() {
            match t {
                Transmit::Open => {
                    self.server_decoder = StreamDecoder::new(self.version, MAX_PACKET_SIZE);
                    outs.push(Out::Open);
                }
                Transmit::Close => outs.push(Out::Close),
                Transmit::Bytes(bytes) => {
                    self.server_decoder.feed(&bytes).expect("client bytes are valid MQTT");
                    while let Some(p) = self.server_decoder.next_packet().expect("valid packet") {
                        outs.push(Out::Packet(p));
                    }
                }
            }
        }
        outs
    }

    /// The packets the client sent since the last call (fails on Open / Close).
    pub(crate) fn sent(&mut self) -> Vec<Packet> {
        self.outputs()
            .into_iter()
            .map(|o| match o {
                Out::Packet(p) => p,
                other => panic!("expected only packets, got {other:?}"),
            })
            .collect()
    }

    /// The one packet the client sent.
    pub(crate) fn sent_one(&mut self) -> Packet {
        let mut sent = self.sent();
        assert_eq!(sent.len(), 1, "expected one packet, got {sent:?}");
        sent.remove(0)
    }

    pub(crate) fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.session.poll_event()).collect()
    }

    /// Plays the server: `packet` arrives at the client.
    pub(crate) fn receive(&mut self, packet: Packet) {
        let mut bytes = Vec::new();
        packet.encode(self.version, &mut bytes).expect("server packet encodes");
        self.session.handle_bytes(self.now, &bytes);
    }

    pub(crate) fn receive_bytes(&mut self, bytes: &[u8]) {
        self.session.handle_bytes(self.now, bytes);
    }

    /// Moves the clock by `ms` and lets the session act on what fell due.
    pub(crate) fn advance(&mut self, ms: u64) {
        let target = Instant::from_millis(self.now.as_millis() + ms);
        while let Some(deadline) = self.session.poll_timeout() {
            if deadline > target {
                break;
            }
            self.now = deadline.max(self.now);
            self.session.handle_timeout(self.now);
        }
        self.now = target;
        self.session.handle_timeout(self.now);
    }

    /// Jumps to the next deadline and handles it.
    pub(crate) fn jump_to_deadline(&mut self) -> u64 {
        let deadline = self.session.poll_timeout().expect("a deadline is armed");
        let waited = deadline.as_millis() - self.now.as_millis();
        self.now = deadline;
        self.session.handle_timeout(self.now);
        waited
    }

    /// `connect()` up to the CONNECT the client sends.
    pub(crate) fn start(&mut self) -> Connect {
        self.session.connect(self.now);
        self.open_transport()
    }

    /// After an `Open`: the transport opens and the client sends CONNECT.
    pub(crate) fn open_transport(&mut self) -> Connect {
        assert_eq!(self.outputs(), vec![Out::Open]);
        self.session.handle_transport_open(self.now);
        match self.sent_one() {
            Packet::Connect(c) => *c,
            other => panic!("expected CONNECT, got {other:?}"),
        }
    }

    /// A full handshake with a successful CONNACK carrying `properties`.
    pub(crate) fn connect_with(
        &mut self,
        session_present: bool,
        properties: ConnAckProperties,
    ) -> Connect {
        let connect = self.start();
        self.accept(session_present, properties);
        connect
    }

    /// The server accepts the CONNECT.
    pub(crate) fn accept(&mut self, session_present: bool, properties: ConnAckProperties) {
        let props = if self.version.is_v5() { properties } else { ConnAckProperties::default() };
        self.receive(Packet::ConnAck(Box::new(ConnAck {
            session_present,
            reason_code: ReasonCode::Success,
            properties: props,
        })));
    }

    /// Connected with default CONNACK; events drained.
    pub(crate) fn connected(mut self) -> Self {
        self.connect_with(false, ConnAckProperties::default());
        let events = self.events();
        assert!(
            events.iter().any(|e| matches!(e, Event::Connected(_))),
            "expected Connected, got {events:?}"
        );
        self
    }

    /// The transport drops.
    pub(crate) fn drop_transport(&mut self) {
        self.session.handle_transport_closed(self.now, Some(1006), None);
    }
}

pub(crate) fn pid(n: u16) -> PacketId {
    NonZeroU16::new(n).expect("non-zero")
}

pub(crate) fn topic(s: &str) -> TopicName {
    TopicName::new(s).expect("valid topic")
}

pub(crate) fn filter(s: &str) -> TopicFilter {
    TopicFilter::new(s).expect("valid filter")
}

pub(crate) fn ack(n: u16) -> Ack {
    Ack::new(pid(n))
}

pub(crate) fn ack_with(n: u16, reason: ReasonCode) -> Ack {
    Ack { reason_code: reason, ..Ack::new(pid(n)) }
}

pub(crate) const BOTH: [ProtocolVersion; 2] = [ProtocolVersion::V3_1_1, ProtocolVersion::V5];

/// The `Published` events among `events`: which request, and how it ended.
pub(crate) fn published(
    events: &[Event],
) -> Vec<(wasmqtt::session::RequestId, Result<ReasonCode, wasmqtt::session::PublishError>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Published { id, result } => Some((*id, result.clone())),
            _ => None,
        })
        .collect()
}
