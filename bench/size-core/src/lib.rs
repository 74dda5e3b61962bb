//! The session driven through numbers and bytes only: what any driver, however lean, must
//! carry. Errors cross as their messages, so `Display` is in, as it is in the package.
#![allow(missing_docs)]

use wasm_bindgen::prelude::*;
use wasmqtt::codec::{QoS, SubscribeProperties, Subscription, SubscriptionOptions};
use wasmqtt::session::{Event, Instant, Options, PublishRequest, Session, Transmit};
use wasmqtt::topic::{TopicFilter, TopicName};

fn at(now: f64) -> Instant {
    Instant::from_millis(now as u64)
}

#[wasm_bindgen]
pub struct Core {
    session: Session,
}

#[wasm_bindgen]
impl Core {
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u64) -> Result<Core, String> {
        Session::new(Options::default(), seed)
            .map(|session| Core { session })
            .map_err(|e| e.to_string())
    }

    pub fn connect(&mut self, now: f64) {
        self.session.connect(at(now));
    }

    pub fn opened(&mut self, now: f64) {
        self.session.handle_transport_open(at(now));
    }

    pub fn received(&mut self, now: f64, bytes: &[u8]) {
        self.session.handle_bytes(at(now), bytes);
    }

    pub fn timeout(&mut self, now: f64) {
        self.session.handle_timeout(at(now));
    }

    /// Bytes to write; `[1]` to open, empty to close, `undefined` when there is nothing.
    pub fn transmit(&mut self) -> Option<Vec<u8>> {
        Some(match self.session.poll_transmit()? {
            Transmit::Bytes(b) => b,
            Transmit::Open => vec![1],
            Transmit::Close => Vec::new(),
        })
    }

    pub fn deadline(&self) -> f64 {
        self.session.poll_timeout().map_or(-1.0, |i| i.as_millis() as f64)
    }

    pub fn publish(
        &mut self,
        now: f64,
        topic: String,
        payload: Vec<u8>,
        qos: u8,
    ) -> Result<f64, String> {
        let topic = TopicName::new(topic).map_err(|e| e.to_string())?;
        let qos = QoS::try_from(qos).map_err(|e| e.to_string())?;
        let request =
            PublishRequest { topic, payload, qos, retain: false, properties: Default::default() };
        self.session.publish(at(now), request).map(|id| id.0 as f64).map_err(|e| e.to_string())
    }

    pub fn subscribe(&mut self, now: f64, filter: String, qos: u8) -> Result<f64, String> {
        let filter = TopicFilter::new(filter).map_err(|e| e.to_string())?;
        let qos = QoS::try_from(qos).map_err(|e| e.to_string())?;
        let options = SubscriptionOptions { qos, ..Default::default() };
        let subscriptions = vec![Subscription { filter, options }];
        self.session
            .subscribe(at(now), subscriptions, SubscribeProperties::default())
            .map(|id| id.0 as f64)
            .map_err(|e| e.to_string())
    }

    /// A message as topic bytes then payload; other events as a tag.
    pub fn event(&mut self) -> Option<Vec<u8>> {
        Some(match self.session.poll_event()? {
            Event::Message(m) => [m.topic.as_str().as_bytes(), &m.payload].concat(),
            Event::Connected(c) => c.client_id.into_bytes(),
            Event::Published { id, .. } => id.0.to_le_bytes().to_vec(),
            _ => vec![0],
        })
    }
}
