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
        if self.ended {
            return Err(UsageError::Ended);
        }
        self.validate_subscribe(&subscriptions, &properties)?;
        for s in &subscriptions {
            let record =
                SubscriptionRecord { subscription: s.clone(), properties: properties.clone() };
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
        if self.ended {
            return Err(UsageError::Ended);
        }
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

    /// Sends waiting SUBSCRIBE / UNSUBSCRIBE requests while connected and ids are free.
    pub(crate) fn flush_control(&mut self, now: Instant) {
        while self.state == State::Connected && !self.control_queue.is_empty() {
            let Some(pid) = self.outgoing.ids.allocate() else {
                break;
            };
            let Some(request) = self.control_queue.pop_front() else {
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
                    self.fail_control(request, e);
                }
            }
        }
    }

    /// A request that cannot be sent (too large for the server) completes with failures.
    fn fail_control(&mut self, request: ControlRequest, error: UsageError) {
        let reason = match error {
            UsageError::PacketTooLarge { .. } => ReasonCode::PacketTooLarge,
            _ => ReasonCode::UnspecifiedError,
        };
        match request {
            ControlRequest::Subscribe { id, subscriptions, .. } => {
                let results = subscriptions.iter().map(|_| Err(reason)).collect();
                self.events.push_back(Event::Subscribed {
                    id,
                    results,
                    properties: Default::default(),
                });
            }
            ControlRequest::Unsubscribe { id, filters, .. } => {
                let results = filters.iter().map(|_| reason).collect();
                self.events.push_back(Event::Unsubscribed {
                    id,
                    results,
                    properties: Default::default(),
                });
            }
            ControlRequest::Resubscribe { .. } => {}
        }
    }

    /// On a new connection, requests sent on the old one and never acknowledged go first.
    pub(crate) fn requeue_control_inflight(&mut self) {
        for (pid, request) in self.control_inflight.drain(..).rev() {
            self.outgoing.ids.release(pid);
            self.control_queue.push_front(request);
        }
    }

    /// After a session was lost: SUBSCRIBE again to every filter, grouped by the properties
    /// (subscription identifier) they were made with.
    pub(crate) fn queue_resubscribe(&mut self) {
        let mut groups: Vec<(SubscribeProperties, Vec<Subscription>)> = Vec::new();
        for record in self.subscriptions.values() {
            match groups.iter_mut().find(|(p, _)| *p == record.properties) {
                Some((_, subs)) => subs.push(record.subscription.clone()),
                None => groups.push((record.properties.clone(), vec![record.subscription.clone()])),
            }
        }
        // Ahead of requests the user made while offline, which may change these.
        for (properties, subscriptions) in groups.into_iter().rev() {
            self.control_queue
                .push_front(ControlRequest::Resubscribe { subscriptions, properties });
        }
    }

    fn take_control(&mut self, pid: PacketId) -> Option<ControlRequest> {
        let pos = self.control_inflight.iter().position(|(p, _)| *p == pid)?;
        self.outgoing.ids.release(pid);
        Some(self.control_inflight.remove(pos).1)
    }

    pub(crate) fn handle_suback(&mut self, now: Instant, ack: SubAck) {
        let Some(request) = self.take_control(ack.packet_id) else {
            return;
        };
        let (id, subscriptions) = match request {
            ControlRequest::Subscribe { id, subscriptions, .. } => (Some(id), subscriptions),
            ControlRequest::Resubscribe { subscriptions, .. } => (None, subscriptions),
            ControlRequest::Unsubscribe { .. } => {
                return self.protocol_violation(
                    now,
                    ReasonCode::ProtocolError,
                    format!("SUBACK for UNSUBSCRIBE {}", ack.packet_id),
                );
            }
        };
        if ack.reason_codes.len() != subscriptions.len() {
            return self.protocol_violation(
                now,
                ReasonCode::ProtocolError,
                format!(
                    "SUBACK has {} reason codes for {} filters [MQTT-3.9.3-1]",
                    ack.reason_codes.len(),
                    subscriptions.len()
                ),
            );
        }
        let results: Vec<SubscribeResult> = ack
            .reason_codes
            .iter()
            .zip(&subscriptions)
            .map(|(&code, s)| {
                let granted = match code {
                    ReasonCode::Success => Ok(QoS::AtMostOnce),
                    ReasonCode::GrantedQoS1 => Ok(QoS::AtLeastOnce),
                    ReasonCode::GrantedQoS2 => Ok(QoS::ExactlyOnce),
                    failure => Err(failure),
                };
                if granted.is_err() {
                    self.subscriptions.remove(s.filter.as_str());
                }
                granted
            })
            .collect();
        if let Some(id) = id {
            self.events.push_back(Event::Subscribed { id, results, properties: ack.properties });
        }
        self.flush_control(now);
    }

    pub(crate) fn handle_unsuback(&mut self, now: Instant, ack: UnsubAck) {
        match self.take_control(ack.packet_id) {
            Some(ControlRequest::Unsubscribe { id, .. }) => {
                self.events.push_back(Event::Unsubscribed {
                    id,
                    results: ack.reason_codes,
                    properties: ack.properties,
                });
            }
            Some(_) => {
                return self.protocol_violation(
                    now,
                    ReasonCode::ProtocolError,
                    format!("UNSUBACK for SUBSCRIBE {}", ack.packet_id),
                );
            }
            None => {}
        }
        self.flush_control(now);
    }
}
