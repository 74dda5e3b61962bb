//! Enhanced authentication against a real mosquitto: the broker loads a SCRAM-SHA-256 plugin
//! (tests/scram_plugin/, C with OpenSSL, built here with gcc) and our SCRAM client runs the
//! whole AUTH exchange, verifying the broker's signature (FEATURES row 22).
#![cfg(not(target_arch = "wasm32"))]

mod broker;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use broker::{Client, Mosquitto, Transport};
use wasmqtt::codec::{ProtocolVersion, ReasonCode};
use wasmqtt::scram::ScramSha256;
use wasmqtt::session::{CloseReason, Event, Options};

const WAIT: Duration = Duration::from_secs(10);

/// Builds the plugin (skipped when up to date) and returns its path.
fn plugin() -> PathBuf {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/tests/scram_plugin/build.sh"))
        .output()
        .expect("run the plugin build script");
    assert!(out.status.success(), "plugin build failed: {}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn broker() -> Mosquitto {
    Mosquitto::start(&format!(
        "plugin {}\nplugin_opt_users alice:secret,bob:hunter2",
        plugin().display()
    ))
}

fn scram_client(transport: Transport, user: &str, password: &str) -> Client {
    let mut client = Client::new(
        transport,
        Options { protocol_version: ProtocolVersion::V5, ..Options::default() },
    );
    let seed: Vec<u8> = (0..32).map(|i| (i * 7 + user.len()) as u8).collect();
    client.session.set_authenticator(Box::new(ScramSha256::new(user, password, &seed))).unwrap();
    client.with(|s, now| s.connect(now));
    client
}

#[test]
fn scram_sha_256_connects_and_reauthenticates() {
    let broker = broker();
    for (transport, user, password) in
        [(broker.tcp(), "alice", "secret"), (broker.ws(), "bob", "hunter2")]
    {
        let mut client = scram_client(transport, user, password);
        let connected = client.wait_for(WAIT, |e| matches!(e, Event::Connected(_)));
        let Event::Connected(c) = connected else { unreachable!() };
        // The broker's final message came in CONNACK and our client verified it.
        assert_eq!(c.connack.properties.authentication_method.as_deref(), Some("SCRAM-SHA-256"));
        assert!(c
            .connack
            .properties
            .authentication_data
            .as_deref()
            .is_some_and(|d| d.starts_with(b"v=")));
        client.with(|s, now| s.reauthenticate(now)).unwrap();
        client.wait_for(WAIT, |e| *e == Event::Reauthenticated);
        assert!(client.session.is_connected());
        client.with(|s, now| s.disconnect(now, ReasonCode::Success, Default::default())).unwrap();
    }
}

#[test]
fn a_wrong_password_is_refused_with_a_typed_error_and_no_reconnect_loop() {
    let broker = broker();
    let mut client = scram_client(broker.tcp(), "alice", "wrong");
    let closed = client.wait_for(WAIT, |e| matches!(e, Event::Closed { .. }));
    assert_eq!(
        closed,
        Event::Closed {
            reason: CloseReason::Refused {
                reason: ReasonCode::NotAuthorized,
                reason_string: None,
                server_reference: None
            },
            reconnect_at: None
        }
    );
    client.wait_for(WAIT, |e| *e == Event::Ended);
    assert_eq!(client.session.poll_timeout(), None, "no further attempt is scheduled");
    assert!(!client.session.is_connected());
}

#[test]
fn an_unknown_user_is_refused() {
    let broker = broker();
    let mut client = scram_client(broker.ws(), "mallory", "secret");
    let closed = client.wait_for(WAIT, |e| matches!(e, Event::Closed { .. }));
    assert!(
        matches!(
            closed,
            Event::Closed {
                reason: CloseReason::Refused { reason: ReasonCode::NotAuthorized, .. },
                reconnect_at: None
            }
        ),
        "{closed:?}"
    );
}
