//! Enhanced authentication through the pluggable authenticator, against a scripted peer
//! (FEATURES row 22). SCRAM-SHA-256 itself is checked against RFC 7677's vectors in
//! `src/scram.rs` and end to end against mosquitto with a SCRAM plugin.
#![cfg(not(target_arch = "wasm32"))]

mod peer;

use std::cell::RefCell;
use std::rc::Rc;

use peer::{Out, Pair};
use wasmqtt::codec::{
    Auth, AuthProperties, BinaryData, ConnAck, ConnAckProperties, MqttString, Packet,
    ProtocolVersion, ReasonCode,
};
use wasmqtt::session::{
    AuthError, Authenticator, CloseReason, Event, Options, Session, UsageError,
};

/// An authenticator that answers "step-N" to each challenge and accepts only the final data
/// "ok", recording what it saw.
#[derive(Debug, Default)]
struct Scripted {
    seen: Rc<RefCell<Vec<String>>>,
}

impl Authenticator for Scripted {
    fn method(&self) -> &str {
        "TEST"
    }
    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError> {
        self.seen.borrow_mut().push("start".into());
        Ok(Some(b"hello".to_vec()))
    }
    fn challenge(&mut self, data: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError> {
        let data = String::from_utf8_lossy(data.unwrap_or_default()).to_string();
        self.seen.borrow_mut().push(format!("challenge {data}"));
        Ok(Some(format!("answer to {data}").into_bytes()))
    }
    fn finish(&mut self, data: Option<&[u8]>) -> Result<(), AuthError> {
        self.seen.borrow_mut().push("finish".into());
        if data == Some(b"ok") {
            Ok(())
        } else {
            Err(AuthError("the server's proof is wrong".into()))
        }
    }
}

fn auth(reason: ReasonCode, method: &str, data: &[u8]) -> Packet {
    Packet::Auth(Auth {
        reason_code: reason,
        properties: AuthProperties {
            authentication_method: Some(MqttString::new(method).unwrap()),
            authentication_data: Some(BinaryData::new(data).unwrap()),
            ..Default::default()
        },
    })
}

fn with_auth() -> (Pair, Rc<RefCell<Vec<String>>>) {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    let seen = Rc::new(RefCell::new(Vec::new()));
    pair.session.set_authenticator(Box::new(Scripted { seen: seen.clone() })).unwrap();
    (pair, seen)
}

fn connack_with_data(data: &[u8]) -> Packet {
    Packet::ConnAck(Box::new(ConnAck {
        session_present: false,
        reason_code: ReasonCode::Success,
        properties: ConnAckProperties {
            authentication_method: Some(MqttString::new("TEST").unwrap()),
            authentication_data: Some(BinaryData::new(data).unwrap()),
            ..Default::default()
        },
    }))
}

#[test]
fn connect_runs_the_exchange_and_verifies_the_final_data() {
    let (mut pair, seen) = with_auth();
    let connect = pair.start();
    assert_eq!(connect.properties.authentication_method.as_deref(), Some("TEST"));
    assert_eq!(connect.properties.authentication_data.as_deref(), Some(&b"hello"[..]));
    pair.receive(auth(ReasonCode::ContinueAuthentication, "TEST", b"c1"));
    assert_eq!(pair.sent_one(), auth(ReasonCode::ContinueAuthentication, "TEST", b"answer to c1"));
    pair.receive(auth(ReasonCode::ContinueAuthentication, "TEST", b"c2"));
    assert_eq!(pair.sent_one(), auth(ReasonCode::ContinueAuthentication, "TEST", b"answer to c2"));
    pair.receive(connack_with_data(b"ok"));
    assert!(pair.session.is_connected());
    assert_eq!(*seen.borrow(), ["start", "challenge c1", "challenge c2", "finish"]);
}

#[test]
fn a_server_that_fails_verification_is_dropped_without_reconnecting() {
    let (mut pair, _) = with_auth();
    pair.start();
    pair.receive(auth(ReasonCode::ContinueAuthentication, "TEST", b"c1"));
    pair.sent();
    pair.receive(connack_with_data(b"forged"));
    assert!(!pair.session.is_connected());
    assert_eq!(pair.outputs(), vec![Out::Close]);
    let events = pair.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Closed { reason: CloseReason::AuthenticationFailed(_), reconnect_at: None }
        )),
        "{events:?}"
    );
    assert_eq!(events.last(), Some(&Event::Ended));
}

#[test]
fn a_refused_authentication_is_typed_and_permanent() {
    let (mut pair, _) = with_auth();
    pair.start();
    pair.receive(Packet::ConnAck(Box::new(ConnAck {
        reason_code: ReasonCode::BadAuthenticationMethod,
        ..Default::default()
    })));
    let events = pair.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Closed {
                reason: CloseReason::Refused { reason: ReasonCode::BadAuthenticationMethod, .. },
                reconnect_at: None
            }
        )),
        "{events:?}"
    );
}

#[test]
fn auth_with_another_method_or_out_of_place_is_a_protocol_error() {
    // [MQTT-4.12.0-5]
    let (mut pair, _) = with_auth();
    pair.start();
    pair.receive(auth(ReasonCode::ContinueAuthentication, "OTHER", b"x"));
    assert_eq!(pair.outputs(), vec![Out::Close]);
    assert!(pair.events().iter().any(|e| matches!(
        e,
        Event::Closed {
            reason: CloseReason::ProtocolViolation { reason: ReasonCode::ProtocolError, .. },
            ..
        }
    )));
    // AUTH when we never sent a method.
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    pair.receive(auth(ReasonCode::ContinueAuthentication, "TEST", b"x"));
    let outs = pair.outputs();
    let Out::Packet(Packet::Disconnect(d)) = &outs[0] else { panic!("{outs:?}") };
    assert_eq!(d.reason_code, ReasonCode::ProtocolError);
}

#[test]
fn reauthentication_runs_a_new_exchange_on_the_live_connection() {
    let (mut pair, seen) = with_auth();
    pair.start();
    pair.receive(connack_with_data(b"ok"));
    pair.events();
    seen.borrow_mut().clear();
    pair.session.reauthenticate(pair.now).unwrap();
    assert_eq!(pair.sent_one(), auth(ReasonCode::ReAuthenticate, "TEST", b"hello"));
    pair.receive(auth(ReasonCode::ContinueAuthentication, "TEST", b"r1"));
    assert_eq!(pair.sent_one(), auth(ReasonCode::ContinueAuthentication, "TEST", b"answer to r1"));
    pair.receive(auth(ReasonCode::Success, "TEST", b"ok"));
    assert_eq!(pair.events(), vec![Event::Reauthenticated]);
    assert_eq!(*seen.borrow(), ["start", "challenge r1", "finish"]);
    assert!(pair.session.is_connected());
}

#[test]
fn enhanced_authentication_needs_mqtt_5_and_an_authenticator() {
    let mut session = Session::new(
        Options { protocol_version: ProtocolVersion::V3_1_1, ..Options::default() },
        1,
    )
    .unwrap();
    assert!(matches!(
        session.set_authenticator(Box::new(Scripted::default())),
        Err(UsageError::NotInVersion { .. })
    ));
    let mut options = Options::default();
    options.properties.authentication_method = Some(MqttString::new("SCRAM-SHA-256").unwrap());
    assert!(matches!(Session::new(options, 1), Err(UsageError::InvalidOptions(_))));
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    assert_eq!(pair.session.reauthenticate(pair.now), Err(UsageError::NoAuthenticationMethod));
}

#[test]
fn a_refusal_during_reauthentication_closes_with_the_refusal() {
    // mosquitto 2.0 answers a failed re-authentication with CONNACK 0x87 on the live
    // connection; the spec's way is DISCONNECT. Both end as a typed refusal, without a loop.
    let (mut pair, _) = with_auth();
    pair.start();
    pair.receive(connack_with_data(b"ok"));
    pair.session.reauthenticate(pair.now).unwrap();
    pair.events();
    pair.sent();
    pair.receive(Packet::ConnAck(Box::new(ConnAck {
        reason_code: ReasonCode::NotAuthorized,
        ..Default::default()
    })));
    assert_eq!(pair.outputs(), vec![Out::Close]);
    let events = pair.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Closed {
                reason: CloseReason::Refused { reason: ReasonCode::NotAuthorized, .. },
                reconnect_at: None
            }
        )),
        "{events:?}"
    );
}
