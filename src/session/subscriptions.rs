//! SUBSCRIBE and UNSUBSCRIBE: validation against the version and the server's abilities,
//! sending (queued while offline), acknowledgements, and resubscribing after a lost session.

use crate::codec::{
    Packet, PacketId, QoS, ReasonCode, SubAck, Subscribe, SubscribeProperties, Subscription,
    SubscriptionOptions, UnsubAck, Unsubscribe, UnsubscribeProperties,
};
use crate::topic::TopicFilter;

use super::error::UsageError;
use super::event::{Event, RequestId, SubscribeResult};
use super::time::Instant;
use super::{ControlRequest, Session, State, SubscriptionRecord};

impl Session {
    /// Subscribes to one or more filters under one packet identifier. Completes with
    /// [`Event::Subscribed`]. While offline the request waits for the connection.
    pub fn subscribe(
        &mut self,
        now: Instant,
        subscriptions: Vec<Subscription>,
        properties: SubscribeProperties,
    ) -> Result<RequestId, UsageError> {
        self.check_open()?;
        self.validate_subscribe(&subscriptions, &properties)?;
        for s in &subscriptions {
            let record = SubscriptionRecord {
                subscription: s.clone(),
                properties: properties.clone(),
                confirmed: false,
            };
            self.subscriptions.insert(s.filter.as_str().to_owned(), record);
        }
        let id = self.next_request_id();
        self.control_queue.push_back(ControlRequest::Subscribe { id, subscriptions, properties });
        self.flush_control(now);
        Ok(id)
    }

    /// Unsubscribes from one or more filters. Completes with [`Event::Unsubscribed`].
    pub fn unsubscribe(
        &mut self,
        now: Instant,
        filters: Vec<TopicFilter>,
        properties: UnsubscribeProperties,
    ) -> Result<RequestId, UsageError> {
        self.check_open()?;
        if filters.is_empty() {
            return Err(UsageError::NoTopicFilters);
        }
        let version = self.version();
        if !version.is_v5() && !properties.is_empty() {
            return Err(UsageError::NotInVersion { option: "unsubscribe properties", version });
        }
        for f in &filters {
            self.subscriptions.remove(f.as_str());
        }
        let id = self.next_request_id();
        self.control_queue.push_back(ControlRequest::Unsubscribe { id, filters, properties });
        self.flush_control(now);
        Ok(id)
    }

    fn validate_subscribe(
        &self,
        subscriptions: &[Subscription],
        properties: &SubscribeProperties,
    ) -> Result<(), UsageError> {
        if subscriptions.is_empty() {
            return Err(UsageError::NoTopicFilters);
        }
        let version = self.version();
        if !version.is_v5() {
            if !properties.is_empty() {
                return Err(UsageError::NotInVersion { option: "subscribe properties", version });
            }
            let v5_only = |o: &SubscriptionOptions| {
                *o != SubscriptionOptions { qos: o.qos, ..SubscriptionOptions::default() }
            };
            if subscriptions.iter().any(|s| v5_only(&s.options)) {
                return Err(UsageError::NotInVersion {
                    option: "subscription options nl, rap and rh",
                    version,
                });
            }
        }
        for s in subscriptions {
            if s.options.no_local && s.filter.shared().is_some() {
                return Err(UsageError::NoLocalOnSharedSubscription {
                    filter: s.filter.to_string(),
                });
            }
        }
        let Some(limits) = self.server_limits() else {
            return Ok(());
        };
        for s in subscriptions {
            if s.filter.has_wildcards() && !limits.wildcard_subscription_available {
                return Err(UsageError::WildcardSubscriptionsNotSupported {
                    filter: s.filter.to_string(),
                });
            }
            if s.filter.shared().is_some() && !limits.shared_subscription_available {
                return Err(UsageError::SharedSubscriptionsNotSupported {
                    filter: s.filter.to_string(),
                });
            }
        }
        if properties.subscription_identifier.is_some()
            && !limits.subscription_identifiers_available
        {
            return Err(UsageError::SubscriptionIdentifiersNotSupported);
        }
        Ok(())
    }

    /// Sends waiting SUBSCRIBE / UNSUBSCRIBE requests while connected and ids are free. Each
    /// SUBSCRIBE is checked against this connection's CONNACK first: one queued while
    /// offline may ask for what the server turned out not to support.
    pub(crate) fn flush_control(&mut self, now: Instant) {
        while self.state == State::Connected && !self.control_queue.is_empty() {
            let Some(request) = self.control_queue.pop_front() else { break };
            let Some(request) = self.drop_unsupported(request) else { continue };
            let Some(pid) = self.outgoing.ids.allocate() else {
                self.control_queue.push_front(request);
                break;
            };
            let packet = match &request {
                ControlRequest::Subscribe { subscriptions, properties, .. }
                | ControlRequest::Resubscribe { subscriptions, properties } => {
                    Packet::Subscribe(Subscribe {
                        packet_id: pid,
                        subscriptions: subscriptions.clone(),
                        properties: properties.clone(),
                    })
                }
                ControlRequest::Unsubscribe { filters, properties, .. } => {
                    Packet::Unsubscribe(Unsubscribe {
                        packet_id: pid,
                        filters: filters.clone(),
                        properties: properties.clone(),
                    })
                }
            };
            match self.send(now, &packet) {
                Ok(()) => self.control_inflight.push((pid, request)),
                Err(e) => {
                    self.outgoing.ids.release(pid);
                    let reason = match e {
                        UsageError::PacketTooLarge { .. } => ReasonCode::PacketTooLarge,
                        _ => ReasonCode::UnspecifiedError,
                    };
                    self.fail_control(request, |_| Some(reason));
                }
            }
        }
    }

    /// The reason this connection's server cannot serve `s` with `properties`, if any.
    fn unsupported(
        &self,
        s: &Subscription,
        properties: &SubscribeProperties,
    ) -> Option<ReasonCode> {
        let limits = self.server_limits()?;
        if s.filter.has_wildcards() && !limits.wildcard_subscription_available {
            Some(ReasonCode::WildcardSubscriptionsNotSupported)
        } else if s.filter.shared().is_some() && !limits.shared_subscription_available {
            Some(ReasonCode::SharedSubscriptionsNotSupported)
        } else if properties.subscription_identifier.is_some()
            && !limits.subscription_identifiers_available
        {
            Some(ReasonCode::SubscriptionIdentifiersNotSupported)
        } else {
            None
        }
    }

    /// Completes a SUBSCRIBE the server cannot serve, as the server would: a failure code per
    /// filter. Returns what is still to be sent.
    fn drop_unsupported(&mut self, request: ControlRequest) -> Option<ControlRequest> {
        let (subscriptions, properties) = match &request {
            ControlRequest::Subscribe { subscriptions, properties, .. }
            | ControlRequest::Resubscribe { subscriptions, properties } => {
                (subscriptions, properties)
            }
            ControlRequest::Unsubscribe { .. } => return Some(request),
        };
        let reasons: Vec<Option<ReasonCode>> =
            subscriptions.iter().map(|s| self.unsupported(s, properties)).collect();
        if reasons.iter().all(Option::is_none) {
            return Some(request);
        }
        if let ControlRequest::Resubscribe { subscriptions, properties } = request {
            // Keep what can be restored; report what cannot.
            let mut keep = Vec::new();
            for (s, reason) in subscriptions.into_iter().zip(reasons) {
                match reason {
                    None => keep.push(s),
                    Some(reason) => self.lose_subscription(&s.filter, reason),
                }
            }
            return (!keep.is_empty())
                .then_some(ControlRequest::Resubscribe { subscriptions: keep, properties });
        }
        let mut reasons = reasons.into_iter();
        self.fail_control(request, |_| {
            Some(reasons.next().flatten().unwrap_or(ReasonCode::ImplementationSpecificError))
        });
        None
    }

    /// A subscription the session had restored on its own is gone: forget it and say so.
    fn lose_subscription(&mut self, filter: &TopicFilter, reason: ReasonCode) {
        self.subscriptions.remove(filter.as_str());
        self.events.push_back(Event::SubscriptionLost { filter: filter.to_string(), reason });
    }

    /// Completes a request that was never answered by the server with failures (`reason` per
    /// filter), forgetting the subscriptions it would have made.
    fn fail_control(
        &mut self,
        request: ControlRequest,
        mut reason: impl FnMut(&TopicFilter) -> Option<ReasonCode>,
    ) {
        match request {
            ControlRequest::Subscribe { id, subscriptions, .. } => {
                let results = subscriptions
                    .iter()
                    .map(|s| {
                        self.subscriptions.remove(s.filter.as_str());
                        Err(reason(&s.filter).unwrap_or(ReasonCode::UnspecifiedError))
                    })
                    .collect();
                self.events.push_back(Event::Subscribed {
                    id,
                    results,
                    properties: Default::default(),
                });
            }
            ControlRequest::Unsubscribe { id, filters, .. } => {
                let results = filters
                    .iter()
                    .map(|f| reason(f).unwrap_or(ReasonCode::UnspecifiedError))
                    .collect();
                self.events.push_back(Event::Unsubscribed {
                    id,
                    results,
                    properties: Default::default(),
                });
            }
            ControlRequest::Resubscribe { subscriptions, .. } => {
                for s in subscriptions {
                    let code = reason(&s.filter).unwrap_or(ReasonCode::UnspecifiedError);
                    self.lose_subscription(&s.filter, code);
                }
            }
        }
    }

    /// On a new connection, requests sent on the old one and never acknowledged go first. When
    /// the session was lost, the session's own resubscribes are dropped: they are made afresh.
    pub(crate) fn requeue_control_inflight(&mut self, session_present: bool) {
        for (pid, request) in self.control_inflight.drain(..).rev() {
            self.outgoing.ids.release(pid);
            if session_present || !matches!(request, ControlRequest::Resubscribe { .. }) {
                self.control_queue.push_front(request);
            }
        }
        if !session_present {
            self.control_queue.retain(|r| !matches!(r, ControlRequest::Resubscribe { .. }));
        }
    }

    /// After a session was lost: SUBSCRIBE again to every filter the server had acknowledged,
    /// grouped by the properties (subscription identifier) they were made with and split so
    /// that each SUBSCRIBE fits the server's Maximum Packet Size. Filters whose own SUBSCRIBE
    /// is still waiting are left to it, so nothing is subscribed twice.
    pub(crate) fn queue_resubscribe(&mut self) {
        let maximum =
            self.server_limits().and_then(|l| l.maximum_packet_size).map(|m| m.get() as usize);
        let version = self.version();
        let mut requests: Vec<ControlRequest> = Vec::new();
        let mut too_large = Vec::new();
        for record in self.subscriptions.values().filter(|r| r.confirmed) {
            let fits = |subs: &[Subscription]| {
                let probe = Packet::Subscribe(Subscribe {
                    packet_id: crate::codec::PacketId::MIN,
                    subscriptions: subs.to_vec(),
                    properties: record.properties.clone(),
                });
                maximum.is_none_or(|m| probe.encoded_len(version).is_ok_and(|n| n <= m))
            };
            let one = [record.subscription.clone()];
            if !fits(&one) {
                too_large.push(record.subscription.filter.clone());
                continue;
            }
            let group = requests.iter_mut().find_map(|r| match r {
                ControlRequest::Resubscribe { subscriptions, properties }
                    if *properties == record.properties && {
                        let mut with = subscriptions.clone();
                        with.push(record.subscription.clone());
                        fits(&with)
                    } =>
                {
                    Some(subscriptions)
                }
                _ => None,
            });
            match group {
                Some(subs) => subs.push(record.subscription.clone()),
                None => requests.push(ControlRequest::Resubscribe {
                    subscriptions: one.to_vec(),
                    properties: record.properties.clone(),
                }),
            }
        }
        for filter in too_large {
            self.lose_subscription(&filter, ReasonCode::PacketTooLarge);
        }
        // Ahead of requests the user made while offline, which may change these.
        for request in requests.into_iter().rev() {
            self.control_queue.push_front(request);
        }
    }

    /// The request a packet id answers, left in place.
    fn peek_control(&self, pid: PacketId) -> Option<&ControlRequest> {
        self.control_inflight.iter().find(|(p, _)| *p == pid).map(|(_, r)| r)
    }

    fn take_control(&mut self, pid: PacketId) -> Option<ControlRequest> {
        let pos = self.control_inflight.iter().position(|(p, _)| *p == pid)?;
        self.outgoing.ids.release(pid);
        Some(self.control_inflight.remove(pos).1)
    }

    /// Whether an acknowledgement fits its request; a mismatch is a protocol error, and the
    /// request stays in flight so that it is sent again on the next connection.
    fn ack_mismatch(&self, pid: PacketId, is_suback: bool, codes: usize) -> Option<String> {
        let expected = match self.peek_control(pid)? {
            ControlRequest::Subscribe { subscriptions, .. }
            | ControlRequest::Resubscribe { subscriptions, .. } => {
                if !is_suback {
                    return Some(format!("UNSUBACK for SUBSCRIBE {pid}"));
                }
                subscriptions.len()
            }
            ControlRequest::Unsubscribe { filters, .. } => {
                if is_suback {
                    return Some(format!("SUBACK for UNSUBSCRIBE {pid}"));
                }
                if !self.version().is_v5() {
                    return None;
                }
                filters.len()
            }
        };
        (codes != expected).then(|| {
            format!("{} reason codes for {expected} filters [MQTT-3.9.3-1], [MQTT-3.11.3-1]", codes)
        })
    }

    pub(crate) fn handle_suback(&mut self, now: Instant, ack: SubAck) {
        if let Some(detail) = self.ack_mismatch(ack.packet_id, true, ack.reason_codes.len()) {
            return self.protocol_violation(now, ReasonCode::ProtocolError, detail);
        }
        let Some(request) = self.take_control(ack.packet_id) else { return };
        let (id, subscriptions) = match request {
            ControlRequest::Subscribe { id, subscriptions, .. } => (Some(id), subscriptions),
            ControlRequest::Resubscribe { subscriptions, .. } => (None, subscriptions),
            ControlRequest::Unsubscribe { .. } => return,
        };
        let mut results: Vec<SubscribeResult> = Vec::with_capacity(subscriptions.len());
        for (&code, s) in ack.reason_codes.iter().zip(&subscriptions) {
            let granted = match code {
                ReasonCode::Success => Ok(QoS::AtMostOnce),
                ReasonCode::GrantedQoS1 => Ok(QoS::AtLeastOnce),
                ReasonCode::GrantedQoS2 => Ok(QoS::ExactlyOnce),
                failure => Err(failure),
            };
            match (granted, id) {
                (Err(reason), None) => self.lose_subscription(&s.filter, reason),
                (Err(_), Some(_)) => {
                    self.subscriptions.remove(s.filter.as_str());
                }
                (Ok(_), _) => {
                    if let Some(record) = self.subscriptions.get_mut(s.filter.as_str()) {
                        record.confirmed |= record.subscription == *s;
                    }
                }
            }
            results.push(granted);
        }
        if let Some(id) = id {
            self.events.push_back(Event::Subscribed { id, results, properties: ack.properties });
        }
        self.flush_control(now);
    }

    pub(crate) fn handle_unsuback(&mut self, now: Instant, ack: UnsubAck) {
        if let Some(detail) = self.ack_mismatch(ack.packet_id, false, ack.reason_codes.len()) {
            return self.protocol_violation(now, ReasonCode::ProtocolError, detail);
        }
        if let Some(ControlRequest::Unsubscribe { id, .. }) = self.take_control(ack.packet_id) {
            self.events.push_back(Event::Unsubscribed {
                id,
                results: ack.reason_codes,
                properties: ack.properties,
            });
        }
        self.flush_control(now);
    }
}
