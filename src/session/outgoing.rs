//! Messages we publish: the queue of accepted messages waiting for a connection or for
//! flow-control quota, and the QoS 1/2 messages in flight, indexed by packet id so acks are
//! O(1).
//!
//! Rules kept here: never more unacknowledged QoS 1/2 publishes than the server's Receive
//! Maximum [MQTT-4.9.0-2], the rest wait in order; packet ids are never reused in flight; a
//! queued message whose expiry passes is dropped and reported, a sent one carries the
//! remaining interval [MQTT-3.3.2-6]; stored messages keep their full topic, so a resend on a
//! new connection never depends on an alias.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::fast_map::FastMap;
use std::time::Duration;

use crate::codec::{Ack, Delivery, Packet, PacketId, Publish, PublishProperties, QoS, ReasonCode};
use crate::topic::{TopicError, TopicErrorKind, TopicName};

use super::alias::AliasUse;
use super::error::{PublishError, UsageError};
use super::event::{Event, RequestId};
use super::options::QueueLimits;
use super::packet_ids::PacketIds;
use super::time::Instant;
use super::{Session, State};

/// A message for [`Session::publish`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublishRequest {
    /// The topic.
    pub topic: TopicName,
    /// The payload.
    pub payload: Vec<u8>,
    /// The QoS.
    pub qos: QoS,
    /// Whether the server should retain it.
    pub retain: bool,
    /// MQTT 5 properties. A topic alias set here is used as given; with
    /// `auto_assign_topic_alias` the session picks aliases itself.
    pub properties: PublishProperties,
}

/// A stored PUBLISH back as the request it came from (its packet id and DUP dropped).
impl From<Publish> for PublishRequest {
    fn from(p: Publish) -> Self {
        Self {
            topic: p.topic,
            payload: p.payload,
            qos: p.delivery.qos(),
            retain: p.retain,
            properties: p.properties,
        }
    }
}

/// A message accepted but not yet sent.
#[derive(Debug)]
pub(crate) struct Queued {
    id: RequestId,
    seq: u64,
    request: PublishRequest,
    expires_at: Option<Instant>,
}

impl Queued {
    fn bytes(&self) -> usize {
        self.request.topic.len() + self.request.payload.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// The acknowledgement an in-flight message waits for.
enum Awaiting {
    /// PUBACK (QoS 1).
    Ack,
    /// PUBREC (QoS 2, first half).
    Rec,
    /// PUBCOMP (QoS 2, PUBREL sent).
    Comp,
}

/// A QoS 1/2 message sent and not yet acknowledged.
#[derive(Debug)]
struct Inflight {
    id: RequestId,
    seq: u64,
    /// Resend order: the publish order until PUBREC, then the order PUBRECs arrived, so that
    /// PUBRELs go out in PUBREC order [MQTT-4.6.0-4].
    order: u64,
    /// As sent, with the full topic and no alias.
    publish: Publish,
    awaiting: Awaiting,
    expires_at: Option<Instant>,
}

#[derive(Debug)]
pub(crate) struct Outgoing {
    limits: QueueLimits,
    queue: VecDeque<Queued>,
    queued_bytes: usize,
    inflight: FastMap<u16, Inflight>,
    /// Packet ids of PUBLISH, SUBSCRIBE and UNSUBSCRIBE in flight.
    pub(crate) ids: PacketIds,
    /// (expiry, seq) of queued messages that have one, earliest first. Entries of messages
    /// that left the queue stay until they come up (a spurious wake-up at worst).
    expiries: BinaryHeap<Reverse<(Instant, u64)>>,
    next_seq: u64,
}

impl Outgoing {
    pub(crate) fn new(limits: QueueLimits) -> Self {
        Self {
            limits,
            queue: VecDeque::new(),
            queued_bytes: 0,
            inflight: FastMap::default(),
            ids: PacketIds::default(),
            expiries: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    pub(crate) fn queued_len(&self) -> usize {
        self.queue.len()
    }

    pub(crate) fn inflight_len(&self) -> usize {
        self.inflight.len()
    }

    pub(crate) fn next_expiry(&self) -> Option<Instant> {
        self.expiries.peek().map(|Reverse((at, _))| *at)
    }

    fn push(&mut self, item: Queued, front: bool) {
        self.queued_bytes += item.bytes();
        if let Some(at) = item.expires_at {
            self.expiries.push(Reverse((at, item.seq)));
        }
        if front {
            self.queue.push_front(item);
        } else {
            self.queue.push_back(item);
        }
    }

    fn pop(&mut self) -> Option<Queued> {
        let item = self.queue.pop_front()?;
        self.queued_bytes -= item.bytes();
        Some(item)
    }

    /// Accepts a message into the queue, or refuses it if a bound would be exceeded.
    fn enqueue(
        &mut self,
        id: RequestId,
        request: PublishRequest,
        expires_at: Option<Instant>,
    ) -> Result<(), UsageError> {
        let bytes = request.topic.len() + request.payload.len();
        if self.queue.len() >= self.limits.max_messages
            || self.queued_bytes + bytes > self.limits.max_bytes
        {
            return Err(UsageError::QueueFull {
                messages: self.queue.len(),
                bytes: self.queued_bytes,
            });
        }
        let seq = self.take_seq();
        self.push(Queued { id, seq, request, expires_at }, false);
        Ok(())
    }

    fn take_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Drops queued messages whose expiry has passed, reporting each.
    pub(crate) fn drop_expired(&mut self, now: Instant, events: &mut VecDeque<Event>) {
        while let Some(&Reverse((at, seq))) = self.expiries.peek() {
            if at > now {
                break;
            }
            self.expiries.pop();
            // The queue is in sequence order: messages leave from the front, and the ones put
            // back after a lost session are older than everything behind them.
            if let Ok(pos) = self.queue.binary_search_by_key(&seq, |q| q.seq) {
                if let Some(item) = self.queue.remove(pos) {
                    self.queued_bytes -= item.bytes();
                    events.push_back(Event::Published {
                        id: item.id,
                        result: Err(PublishError::Expired),
                    });
                }
            }
        }
    }

    /// Fails every queued and in-flight message: the session they belonged to has ended.
    pub(crate) fn fail_all(&mut self, events: &mut VecDeque<Event>) {
        // Made per message, not cloned: a clone of any `PublishError` is 1 KB of wasm.
        let error = || Err(PublishError::SessionEnded);
        // In publish order, as the messages were accepted.
        for pid in self.inflight_by(|m| m.seq) {
            let Some(m) = self.inflight.remove(&pid) else { continue };
            if let Some(id) = m.publish.delivery.packet_id() {
                self.ids.release(id);
            }
            events.push_back(Event::Published { id: m.id, result: error() });
        }
        while let Some(q) = self.pop() {
            events.push_back(Event::Published { id: q.id, result: error() });
        }
    }

    /// In-flight messages in resend order (see [`Inflight::order`]).
    fn inflight_in_order(&self) -> Vec<u16> {
        self.inflight_by(|m| m.order)
    }

    /// The packet ids of the in-flight messages, sorted by `key`.
    fn inflight_by(&self, key: fn(&Inflight) -> u64) -> Vec<u16> {
        // A heap's sorted output, not `sort_unstable`: the heap's code is already in the wasm
        // for the expiries, a slice sort would add 3 KiB of its own.
        let ids: BinaryHeap<(u64, u16)> =
            self.inflight.iter().map(|(&id, m)| (key(m), id)).collect();
        ids.into_sorted_vec().into_iter().map(|(_, id)| id).collect()
    }

    /// Completes and removes an in-flight message, freeing its id.
    fn complete(&mut self, packet_id: PacketId) -> Option<Inflight> {
        let m = self.inflight.remove(&packet_id.get())?;
        self.ids.release(packet_id);
        Some(m)
    }
}

/// What [`Session::apply_alias`] did to a PUBLISH.
#[derive(Debug, Default)]
struct AppliedAlias {
    /// The full topic, when the PUBLISH goes out alias-only.
    full_topic: Option<TopicName>,
    /// The alias this PUBLISH sets up on the server.
    established: Option<std::num::NonZeroU16>,
}

/// A message as the session stores it across a page reload (see `persist.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredMessage {
    pub(crate) seq: u64,
    pub(crate) order: u64,
    /// 0: waiting in the queue; 1: PUBACK; 2: PUBREC; 3: PUBCOMP.
    pub(crate) state: u8,
    /// As sent (or to be sent): full topic, QoS; the packet id for in-flight ones.
    pub(crate) publish: Publish,
    pub(crate) expires_at: Option<Instant>,
}

impl Outgoing {
    /// Every message not yet completed: in flight (in resend order), then queued (in order).
    pub(crate) fn export(&self) -> Vec<StoredMessage> {
        let mut out: Vec<StoredMessage> = self
            .inflight_in_order()
            .into_iter()
            .filter_map(|pid| self.inflight.get(&pid))
            .map(|m| StoredMessage {
                seq: m.seq,
                order: m.order,
                state: match m.awaiting {
                    Awaiting::Ack => 1,
                    Awaiting::Rec => 2,
                    Awaiting::Comp => 3,
                },
                publish: m.publish.clone(),
                expires_at: m.expires_at,
            })
            .collect();
        out.extend(self.queue.iter().map(|q| StoredMessage {
            seq: q.seq,
            order: q.seq,
            state: 0,
            publish: Publish {
                topic: q.request.topic.clone(),
                delivery: Delivery::new(q.request.qos, PacketId::MIN, false),
                retain: q.request.retain,
                payload: q.request.payload.clone(),
                properties: q.request.properties.clone(),
            },
            expires_at: q.expires_at,
        }));
        out
    }

    /// Takes back stored messages, each under a new request id, into a session with nothing
    /// in flight. Messages already queued keep their request ids and go after the stored ones,
    /// renumbered so that the queue stays in sequence order.
    pub(crate) fn import(
        &mut self,
        messages: Vec<StoredMessage>,
        mut next_id: impl FnMut() -> RequestId,
    ) {
        let newer = std::mem::take(&mut self.queue);
        self.queued_bytes = 0;
        self.expiries.clear();
        for m in messages {
            self.next_seq = self.next_seq.max(m.seq).max(m.order);
            let id = next_id();
            let awaiting = match m.state {
                1 => Awaiting::Ack,
                2 => Awaiting::Rec,
                3 => Awaiting::Comp,
                _ => {
                    let request = PublishRequest::from(m.publish);
                    self.push(Queued { id, seq: m.seq, request, expires_at: m.expires_at }, false);
                    continue;
                }
            };
            let Some(pid) = m.publish.delivery.packet_id() else { continue };
            self.ids.mark(pid);
            let inflight = Inflight {
                id,
                seq: m.seq,
                order: m.order,
                publish: m.publish,
                awaiting,
                expires_at: m.expires_at,
            };
            self.inflight.insert(pid.get(), inflight);
        }
        for mut item in newer {
            item.seq = self.take_seq();
            self.push(item, false);
        }
    }
}

/// Seconds left until `expires_at`, rounded up, for the Message Expiry Interval sent.
fn remaining_seconds(now: Instant, expires_at: Instant) -> u32 {
    let ms = expires_at.since(now).as_millis();
    u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX)
}

impl Session {
    /// Publishes a message. QoS 0 completes when written, QoS 1 on PUBACK, QoS 2 on PUBCOMP,
    /// each reported by [`Event::Published`] with the returned id.
    ///
    /// While offline (or past the server's Receive Maximum) the message waits in the queue,
    /// within [`QueueLimits`]. Refused at once, before anything is sent: an invalid topic or
    /// property, a 5.0 property on a 3.x connection, a QoS or retain flag the server does not
    /// support, a packet above the server's maximum size, a full queue.
    pub fn publish(
        &mut self,
        now: Instant,
        request: PublishRequest,
    ) -> Result<RequestId, UsageError> {
        self.check_open()?;
        self.validate_publish(&request)?;
        if !self.is_connected() && request.qos == QoS::AtMostOnce && !self.options.queue_qos0 {
            return Err(UsageError::NotConnected);
        }
        let expires_at = request
            .properties
            .message_expiry_interval
            .map(|s| now.after(Duration::from_secs(u64::from(s))));
        let id = self.next_request_id();
        let can_send_now = self.is_connected()
            && self.outgoing.queue.is_empty()
            && (request.qos == QoS::AtMostOnce || self.has_quota());
        if can_send_now {
            let seq = self.outgoing.take_seq();
            self.send_queued(now, Queued { id, seq, request, expires_at });
        } else {
            self.outgoing.enqueue(id, request, expires_at)?;
        }
        Ok(id)
    }

    fn validate_publish(&self, request: &PublishRequest) -> Result<(), UsageError> {
        let version = self.version();
        if request.topic.is_empty() {
            return Err(TopicError { kind: TopicErrorKind::Empty, topic: String::new() }.into());
        }
        if !version.is_v5() && !request.properties.is_empty() {
            return Err(UsageError::NotInVersion { option: "publish properties", version });
        }
        if !request.properties.subscription_identifiers.is_empty() {
            return Err(UsageError::InvalidProperty {
                property: "subscriptionIdentifier",
                why: "only the server may send it in PUBLISH [MQTT-3.3.4-6]".into(),
            });
        }
        if !super::payload_matches_format(
            request.properties.payload_format_indicator,
            &request.payload,
        ) {
            return Err(UsageError::PayloadNotUtf8);
        }
        match self.server_limits() {
            Some(limits) => check_against_limits(request, limits, version),
            None => Ok(()),
        }
    }

    /// Whether another QoS 1/2 PUBLISH may go out: fewer unacknowledged than the server's
    /// Receive Maximum [MQTT-4.9.0-2], counted from the in-flight table itself so that a
    /// resumed session with a lower maximum is held to it, and a free packet id.
    fn has_quota(&self) -> bool {
        let Some(conn) = &self.conn else { return false };
        self.outgoing.inflight.len() < usize::from(conn.limits.receive_maximum)
            && self.outgoing.ids.len() < usize::from(u16::MAX)
    }

    /// Sends queued messages while the connection and the flow-control quota allow.
    pub(crate) fn flush_queue(&mut self, now: Instant) {
        self.outgoing.drop_expired(now, &mut self.events);
        while self.state == State::Connected {
            let Some(front) = self.outgoing.queue.front() else {
                break;
            };
            if front.request.qos != QoS::AtMostOnce && !self.has_quota() {
                break;
            }
            let Some(item) = self.outgoing.pop() else {
                break;
            };
            self.send_queued(now, item);
        }
    }

    /// Sends one accepted message, or reports why it cannot be.
    fn send_queued(&mut self, now: Instant, item: Queued) {
        let Queued { id, seq, mut request, expires_at } = item;
        if let Some(at) = expires_at {
            if at <= now {
                self.events.push_back(Event::Published { id, result: Err(PublishError::Expired) });
                return;
            }
            request.properties.message_expiry_interval = Some(remaining_seconds(now, at));
        }
        if let Some(limits) = self.server_limits() {
            if let Err(e) = check_against_limits(&request, limits, self.version()) {
                self.events
                    .push_back(Event::Published { id, result: Err(PublishError::NotSupported(e)) });
                return;
            }
        }
        let packet_id = match request.qos {
            QoS::AtMostOnce => PacketId::MIN,
            _ => match self.outgoing.ids.allocate() {
                Some(pid) => pid,
                None => return, // unreachable: has_quota checked the ids
            },
        };
        let qos = request.qos;
        let mut publish = Publish {
            topic: request.topic,
            delivery: Delivery::new(qos, packet_id, false),
            retain: request.retain,
            payload: request.payload,
            properties: request.properties,
        };
        // Written with an alias where one applies, then stored with the full topic and no
        // alias: no copy of the payload either way.
        let alias = self.apply_alias(&mut publish);
        let (sent, mut stored) = self.send_publish(now, publish);
        if let Some(topic) = alias.full_topic {
            stored.topic = topic;
        }
        let sent = match (sent, alias.established) {
            // The alias was never set up on the server: forget it, and try without it.
            (Err(_), Some(a)) => {
                if let Some(conn) = &mut self.conn {
                    conn.aliases_out.forget(a);
                }
                stored.properties.topic_alias = None;
                let (retry, back) = self.send_publish(now, stored);
                stored = back;
                retry
            }
            (sent, _) => sent,
        };
        stored.properties.topic_alias = None;
        if let Err(e) = sent {
            if qos != QoS::AtMostOnce {
                self.outgoing.ids.release(packet_id);
            }
            return self.report_unsendable(id, e);
        }
        let awaiting = match qos {
            QoS::AtMostOnce => {
                self.events.push_back(Event::Published { id, result: Ok(ReasonCode::Success) });
                return;
            }
            QoS::AtLeastOnce => Awaiting::Ack,
            QoS::ExactlyOnce => Awaiting::Rec,
        };
        self.outgoing.inflight.insert(
            packet_id.get(),
            Inflight { id, seq, order: seq, publish: stored, awaiting, expires_at },
        );
    }

    /// A message that could not be written completes with the reason.
    fn report_unsendable(&mut self, id: RequestId, error: UsageError) {
        let result = match error {
            UsageError::PacketTooLarge { size, maximum } => {
                PublishError::PacketTooLarge { size, maximum }
            }
            other => PublishError::NotSupported(other),
        };
        self.events.push_back(Event::Published { id, result: Err(result) });
    }

    /// Writes a PUBLISH and hands it back (it is stored for acknowledgement).
    fn send_publish(
        &mut self,
        now: Instant,
        publish: Publish,
    ) -> (Result<(), UsageError>, Publish) {
        let packet = Packet::Publish(publish);
        let sent = self.send(now, &packet);
        match packet {
            Packet::Publish(p) => (sent, p),
            _ => (sent, Publish::default()),
        }
    }

    /// Puts the alias this connection uses for the topic into `publish`.
    fn apply_alias(&mut self, publish: &mut Publish) -> AppliedAlias {
        let mut applied = AppliedAlias::default();
        let (auto, reuse) =
            (self.options.auto_assign_topic_alias, self.options.auto_use_topic_alias);
        let Some(conn) = self.conn.as_mut() else { return applied };
        let maximum = conn.limits.topic_alias_maximum;
        match publish.properties.topic_alias {
            // Already mapped to this topic on this connection: the alias alone will do.
            Some(alias) if conn.aliases_out.topic_of(alias) == Some(publish.topic.as_str()) => {
                applied.full_topic = Some(std::mem::take(&mut publish.topic));
            }
            Some(alias) if alias.get() <= maximum => {
                conn.aliases_out.set(&publish.topic, alias);
                applied.established = Some(alias);
            }
            Some(_) => publish.properties.topic_alias = None,
            None if reuse && !auto => {
                if let Some(alias) = conn.aliases_out.alias_for(publish.topic.as_str()) {
                    publish.properties.topic_alias = Some(alias);
                    applied.full_topic = Some(std::mem::take(&mut publish.topic));
                }
            }
            None if auto => match conn.aliases_out.assign(&publish.topic) {
                AliasUse::TopicOnly => {}
                AliasUse::Establish(alias) => {
                    publish.properties.topic_alias = Some(alias);
                    applied.established = Some(alias);
                }
                AliasUse::AliasOnly(alias) => {
                    publish.properties.topic_alias = Some(alias);
                    applied.full_topic = Some(std::mem::take(&mut publish.topic));
                }
            },
            None => {}
        }
        applied
    }

    /// After CONNACK with Session Present: PUBLISH (DUP set) and PUBREL for everything in
    /// flight, in the order first sent, before anything new [MQTT-4.4.0-1].
    pub(crate) fn resend_inflight(&mut self, now: Instant) {
        for pid in self.outgoing.inflight_in_order() {
            let Some(packet_id) = PacketId::new(pid) else { continue };
            let Some(mut m) = self.outgoing.inflight.remove(&pid) else { continue };
            let packet = if m.awaiting == Awaiting::Comp {
                Packet::PubRel(Ack::new(packet_id))
            } else {
                m.publish.delivery = Delivery::new(m.publish.delivery.qos(), packet_id, true);
                Packet::Publish(std::mem::take(&mut m.publish))
            };
            let sent = self.send(now, &packet);
            if let Packet::Publish(publish) = packet {
                m.publish = publish;
            }
            match sent {
                Ok(()) => {
                    self.outgoing.inflight.insert(pid, m);
                }
                // Too large for what this connection allows: it can never be delivered here.
                Err(e) => {
                    self.outgoing.ids.release(packet_id);
                    self.report_unsendable(m.id, e);
                }
            }
        }
    }

    /// After CONNACK without Session Present: the server forgot our in-flight messages. Those
    /// it had acknowledged with PUBREC are complete (it owns them); the others go back to the
    /// front of the queue, in order, to be sent again as new messages. Nothing accepted is
    /// lost.
    pub(crate) fn requeue_inflight(&mut self) {
        let order = self.outgoing.inflight_in_order();
        let mut back = Vec::new();
        for pid in order {
            let Some(m) = PacketId::new(pid).and_then(|id| self.outgoing.complete(id)) else {
                continue;
            };
            if m.awaiting == Awaiting::Comp {
                self.events
                    .push_back(Event::Published { id: m.id, result: Ok(ReasonCode::Success) });
                continue;
            }
            let request = PublishRequest::from(m.publish);
            back.push(Queued { id: m.id, seq: m.seq, request, expires_at: m.expires_at });
        }
        for item in back.into_iter().rev() {
            self.outgoing.push(item, true);
        }
    }

    /// PUBACK: QoS 1 complete.
    pub(crate) fn handle_puback(&mut self, now: Instant, ack: Ack) {
        self.finish_exchange(now, ack, Awaiting::Ack);
    }

    /// Ends the exchange `ack` completes, if its message waits for that acknowledgement;
    /// an ack for anything else is ignored.
    fn finish_exchange(&mut self, now: Instant, ack: Ack, expected: Awaiting) {
        let awaiting = self.outgoing.inflight.get(&ack.packet_id.get()).map(|m| m.awaiting);
        if awaiting != Some(expected) {
            return;
        }
        if let Some(m) = self.outgoing.complete(ack.packet_id) {
            self.report_ack(m.id, &ack);
        }
        self.return_quota(now);
    }

    /// PUBREC: QoS 2 received by the server; answer PUBREL, or finish on a failure code.
    pub(crate) fn handle_pubrec(&mut self, now: Instant, ack: Ack) {
        let pid = ack.packet_id;
        let awaiting = self.outgoing.inflight.get(&pid.get()).map(|m| m.awaiting);
        match awaiting {
            Some(Awaiting::Rec) if ack.reason_code.is_failure() => {
                self.finish_exchange(now, ack, Awaiting::Rec);
            }
            Some(Awaiting::Rec) | Some(Awaiting::Comp) => {
                let order = self.outgoing.take_seq();
                if let Some(m) = self.outgoing.inflight.get_mut(&pid.get()) {
                    if m.awaiting == Awaiting::Rec {
                        m.awaiting = Awaiting::Comp;
                        m.order = order;
                    }
                }
                let _ = self.send(now, &Packet::PubRel(Ack::new(pid)));
            }
            // Not ours: under 5.0 say so; the server must not wait for us.
            _ => {
                let mut rel = Ack::new(pid);
                if self.version().is_v5() {
                    rel.reason_code = ReasonCode::PacketIdentifierNotFound;
                }
                let _ = self.send(now, &Packet::PubRel(rel));
            }
        }
    }

    /// PUBCOMP: QoS 2 complete.
    pub(crate) fn handle_pubcomp(&mut self, now: Instant, ack: Ack) {
        self.finish_exchange(now, ack, Awaiting::Comp);
    }

    fn report_ack(&mut self, id: RequestId, ack: &Ack) {
        let result = if ack.reason_code.is_failure() {
            Err(PublishError::Rejected {
                reason: ack.reason_code,
                reason_string: ack.properties.reason_string.as_ref().map(|s| s.to_string()),
            })
        } else {
            Ok(ack.reason_code)
        };
        self.events.push_back(Event::Published { id, result });
    }

    fn return_quota(&mut self, now: Instant) {
        self.flush_queue(now);
    }
}

/// Checks a message against what the server announced in CONNACK.
fn check_against_limits(
    request: &PublishRequest,
    limits: &super::ServerLimits,
    version: crate::codec::ProtocolVersion,
) -> Result<(), UsageError> {
    if request.qos > limits.maximum_qos {
        return Err(UsageError::QoSNotSupported {
            requested: request.qos as u8,
            maximum: limits.maximum_qos as u8,
        });
    }
    if request.retain && !limits.retain_available {
        return Err(UsageError::RetainNotSupported);
    }
    if let Some(alias) = request.properties.topic_alias {
        if alias.get() > limits.topic_alias_maximum {
            return Err(UsageError::InvalidProperty {
                property: "topicAlias",
                why: format!(
                    "{alias} is above the server's topic alias maximum {}",
                    limits.topic_alias_maximum
                ),
            });
        }
    }
    if let Some(maximum) = limits.maximum_packet_size {
        let probe = Packet::Publish(Publish {
            topic: request.topic.clone(),
            delivery: Delivery::new(request.qos, PacketId::MIN, false),
            retain: request.retain,
            payload: Vec::new(),
            properties: request.properties.clone(),
        });
        let size =
            probe.encoded_len(version).unwrap_or(usize::MAX) as u64 + request.payload.len() as u64;
        if size > u64::from(maximum.get()) {
            return Err(UsageError::PacketTooLarge { size, maximum: u64::from(maximum.get()) });
        }
    }
    Ok(())
}
