//! Packets from the server: decoding, QoS 1/2 receive, incoming topic aliases, and protocol
//! violations, which close the connection with the right reason code.

use crate::codec::{Ack, Packet, Publish, QoS, ReasonCode};

use super::alias::AliasError;
use super::error::CloseReason;
use super::event::{Event, Message};
use super::time::Instant;
use super::{Session, State};

impl Session {
    /// Bytes received from the transport: any number of whole or partial packets.
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        let Some(conn) = &mut self.conn else { return };
        if let Err(e) = conn.decoder.feed(bytes) {
            self.fail_decode(now, e);
            return;
        }
        loop {
            let Some(conn) = &mut self.conn else { return };
            match conn.decoder.next_packet() {
                Ok(Some(packet)) => self.handle_packet(now, packet),
                Ok(None) => break,
                Err(e) => {
                    self.fail_decode(now, e);
                    return;
                }
            }
        }
        self.finish_ending(now);
    }

    fn fail_decode(&mut self, now: Instant, error: crate::codec::DecodeError) {
        // A decode error may name a CONNACK-only code (a server sending CONNECT gives
        // Unsupported Protocol Version); a client's DISCONNECT carries only DISCONNECT codes.
        let reason = Some(error.reason_code())
            .filter(|r| r.is_valid_in(crate::codec::PacketType::Disconnect))
            .unwrap_or(ReasonCode::ProtocolError);
        self.close_with_disconnect(now, reason, CloseReason::Decode(error));
    }

    /// The server broke a rule: DISCONNECT with `reason` (5.0), close, report.
    pub(crate) fn protocol_violation(&mut self, now: Instant, reason: ReasonCode, detail: String) {
        self.close_with_disconnect(now, reason, CloseReason::ProtocolViolation { reason, detail });
    }

    fn handle_packet(&mut self, now: Instant, packet: Packet) {
        if self.options.packet_events {
            self.events.push_back(Event::PacketReceived(Box::new(packet.clone())));
        }
        if self.state != State::Connected {
            self.handle_handshake_packet(now, packet);
            return;
        }
        if let Some(detail) = self.unrequested_problem_information(&packet) {
            return self.protocol_violation(now, ReasonCode::ProtocolError, detail);
        }
        match packet {
            Packet::Publish(p) => self.handle_publish(now, p),
            Packet::PubAck(a) => self.handle_puback(now, a),
            Packet::PubRec(a) => self.handle_pubrec(now, a),
            Packet::PubRel(a) => self.handle_pubrel(now, a),
            Packet::PubComp(a) => self.handle_pubcomp(now, a),
            Packet::SubAck(a) => self.handle_suback(now, a),
            Packet::UnsubAck(a) => self.handle_unsuback(now, a),
            Packet::PingResp => {
                if let Some(conn) = &mut self.conn {
                    conn.ping_deadline = None;
                }
            }
            Packet::Disconnect(d) => {
                let reason = CloseReason::ServerDisconnected {
                    reason: d.reason_code,
                    reason_string: d.properties.reason_string.map(|s| s.into_string()),
                    server_reference: d.properties.server_reference.map(|s| s.into_string()),
                };
                self.close_connection(now, reason, true);
            }
            Packet::Auth(a) => self.handle_auth(now, a),
            // mosquitto 2.0 answers a failed re-authentication with a CONNACK carrying the
            // refusal (the spec says DISCONNECT): report it as the refusal it is.
            Packet::ConnAck(c)
                if c.reason_code.is_failure()
                    && self.conn.as_ref().is_some_and(|c| c.reauthenticating) =>
            {
                let reason = CloseReason::Refused {
                    reason: c.reason_code,
                    reason_string: c.properties.reason_string.map(|s| s.into_string()),
                    server_reference: c.properties.server_reference.map(|s| s.into_string()),
                };
                self.close_connection(now, reason, true);
            }
            other => self.protocol_violation(
                now,
                ReasonCode::ProtocolError,
                format!("a server may not send {:?} to a client", other.packet_type()),
            ),
        }
    }

    /// With Request Problem Information 0 the server may put a Reason String or User
    /// Properties only on PUBLISH, CONNACK and DISCONNECT (MQTT 5.0 section 3.1.2.11.7).
    fn unrequested_problem_information(&self, packet: &Packet) -> Option<String> {
        if self.options.properties.request_problem_information != Some(false) {
            return None;
        }
        let props = match packet {
            Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
                &a.properties
            }
            Packet::SubAck(a) => &a.properties,
            Packet::UnsubAck(a) => &a.properties,
            Packet::Auth(a) => {
                let p = &a.properties;
                return (p.reason_string.is_some() || !p.user_properties.is_empty())
                    .then(|| "AUTH carries problem information we asked not to get".into());
            }
            _ => return None,
        };
        (props.reason_string.is_some() || !props.user_properties.is_empty()).then(|| {
            format!(
                "{:?} carries problem information after Request Problem Information 0",
                packet.packet_type()
            )
        })
    }

    /// PUBLISH: resolve its topic alias, deliver, acknowledge. QoS 2 is delivered on the first
    /// PUBLISH and ignored, re-acknowledged, until PUBREL [MQTT-4.3.3-10].
    fn handle_publish(&mut self, now: Instant, publish: Publish) {
        let Publish { topic, delivery, retain, payload, properties } = publish;
        let Some(conn) = &mut self.conn else { return };
        let topic = match conn.aliases_in.resolve(topic, properties.topic_alias) {
            Ok(topic) => topic,
            Err(AliasError::AboveMaximum { alias, maximum }) => {
                return self.protocol_violation(
                    now,
                    ReasonCode::TopicAliasInvalid,
                    format!("topic alias {alias} is above our maximum {maximum} [MQTT-3.3.2-10]"),
                );
            }
            Err(AliasError::Unknown { alias }) => {
                return self.protocol_violation(
                    now,
                    ReasonCode::ProtocolError,
                    format!("topic alias {alias} was never mapped on this connection"),
                );
            }
        };
        let packet_id = delivery.packet_id();
        if let (QoS::ExactlyOnce, Some(pid)) = (delivery.qos(), packet_id) {
            if self.incoming_qos2.contains(pid) {
                let _ = self.send(now, &Packet::PubRec(Ack::new(pid)));
                return;
            }
            if self.incoming_qos2.len() >= usize::from(self.our_receive_maximum()) {
                return self.protocol_violation(
                    now,
                    ReasonCode::ReceiveMaximumExceeded,
                    format!(
                        "more than {} QoS 2 messages unacknowledged",
                        self.our_receive_maximum()
                    ),
                );
            }
            self.incoming_qos2.mark(pid);
        }
        let payload_format_valid =
            super::payload_matches_format(properties.payload_format_indicator, &payload);
        self.events.push_back(Event::Message(Box::new(Message {
            topic,
            payload,
            qos: delivery.qos(),
            retain,
            dup: delivery.dup(),
            packet_id: packet_id.map(|p| p.get()),
            properties,
            payload_format_valid,
        })));
        match (delivery.qos(), packet_id) {
            (QoS::AtLeastOnce, Some(pid)) => {
                let _ = self.send(now, &Packet::PubAck(Ack::new(pid)));
            }
            (QoS::ExactlyOnce, Some(pid)) => {
                let _ = self.send(now, &Packet::PubRec(Ack::new(pid)));
            }
            _ => {}
        }
    }

    /// The Receive Maximum we announced (65,535 when we announced none).
    fn our_receive_maximum(&self) -> u16 {
        self.options.properties.receive_maximum.map_or(u16::MAX, |r| r.get())
    }

    /// PUBREL: the QoS 2 exchange ends; PUBCOMP, and forget the id.
    fn handle_pubrel(&mut self, now: Instant, ack: Ack) {
        let known = self.incoming_qos2.contains(ack.packet_id);
        self.incoming_qos2.release(ack.packet_id);
        let mut comp = Ack::new(ack.packet_id);
        if !known && self.version().is_v5() {
            comp.reason_code = ReasonCode::PacketIdentifierNotFound;
        }
        let _ = self.send(now, &Packet::PubComp(comp));
    }
}
