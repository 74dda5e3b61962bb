//! The wasm layer and the core compiled to wasm32, in headless Chromium
//! (`wasm-pack test --headless --chrome -- --test wasm`, run by the test command).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wasmqtt::codec::{decode, Decoded, Packet, ProtocolVersion, MAX_PACKET_SIZE};
use wasmqtt::session::{Event, Instant, Options, Session, Transmit};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(wasmqtt::wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn bad_input_from_js_is_a_typed_error() {
    let err = wasmqtt::wasm::connect("http://example.com".into(), None).unwrap_err();
    let err: js_sys::Error = err.dyn_into().expect("an Error object");
    assert_eq!(err.name(), "MqttUsageError");
    assert!(String::from(err.message()).contains("ws:// or wss://"));
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"keepalive".into(), &JsValue::from(-5)).unwrap();
    let err =
        wasmqtt::wasm::connect("ws://localhost/mqtt".into(), Some(options.into())).unwrap_err();
    let err: js_sys::Error = err.dyn_into().expect("an Error object");
    assert!(String::from(err.message())
        .contains("keepalive must be a whole number from 0 to 65535, got -5"));
}

#[wasm_bindgen_test]
fn the_session_runs_on_wasm32() {
    let mut session = Session::new(Options::default(), 7).unwrap();
    session.connect(Instant::from_millis(0));
    assert_eq!(session.poll_transmit(), Some(Transmit::Open));
    session.handle_transport_open(Instant::from_millis(5));
    let Some(Transmit::Bytes(bytes)) = session.poll_transmit() else { panic!("CONNECT expected") };
    let Ok(Decoded::Packet(Packet::Connect(connect), _)) =
        decode(&bytes, ProtocolVersion::V5, MAX_PACKET_SIZE)
    else {
        panic!("a CONNECT");
    };
    assert!(connect.client_id.starts_with("wasmqtt_"));
    // CONNACK (success, no properties).
    session.handle_bytes(Instant::from_millis(10), &[0x20, 0x03, 0x00, 0x00, 0x00]);
    assert!(session.is_connected());
    assert!(std::iter::from_fn(|| session.poll_event()).any(|e| matches!(e, Event::Connected(_))));
    // Keep alive is a deadline 60 s after the last write.
    assert_eq!(session.poll_timeout(), Some(Instant::from_millis(60_005)));
}
