//! The publish history: newest first, each publish once, capped; kept across reloads with the
//! connection, left out of exports.

use wasmqtt_app::history::{PublishDraft, PublishHistory};
use wasmqtt_app::model::{ConnectionSettings, SavedApp, SavedConnection};

fn draft(topic: &str, payload: &str) -> PublishDraft {
    PublishDraft {
        topic: topic.into(),
        payload: payload.into(),
        format: "JSON".into(),
        qos: 1,
        retain: false,
    }
}

#[test]
fn the_newest_comes_first_a_repeat_moves_up_and_the_oldest_goes_past_the_cap() {
    let mut history = PublishHistory::default();
    history.record(draft("a", "1"));
    history.record(draft("b", "2"));
    history.record(draft("a", "1"));
    let topics: Vec<&str> = history.entries().iter().map(|d| d.topic.as_str()).collect();
    assert_eq!(topics, ["a", "b"], "a repeat is not kept twice");
    let mut retained = draft("a", "1");
    retained.retain = true;
    history.record(retained);
    assert_eq!(history.entries().len(), 3, "a different flag is a different publish");
    for i in 0..30 {
        history.record(draft("t", &i.to_string()));
    }
    assert_eq!(history.entries().len(), PublishHistory::CAP);
    assert_eq!(history.entries()[0].payload, "29");
    assert_eq!(history.entries()[PublishHistory::CAP - 1].payload, "10");
}

#[test]
fn a_summary_is_one_line_with_the_payload_cut() {
    let mut d =
        draft("sensors/1", "{\n  \"temperature\": 21.5,\n  \"humidity\": 40, \"wind\": 3\n}");
    assert_eq!(d.summary(), "sensors/1 (QoS 1): { \"temperature\": 21.5, \"humidity\": 40, \"…");
    d.retain = true;
    d.payload = "on".into();
    assert_eq!(d.summary(), "sensors/1 (QoS 1, retained): on");
}

#[test]
fn the_history_is_stored_with_its_connection_but_not_exported() {
    let settings = ConnectionSettings::for_url("h", "ws://h:1/mqtt", "h").unwrap();
    let mut history = PublishHistory::default();
    history.record(draft("private/topic", "secret payload"));
    let app = SavedApp {
        format: SavedApp::FORMAT,
        connections: vec![SavedConnection {
            settings,
            subscriptions: Vec::new(),
            key: "k1".into(),
            history,
        }],
    };
    let stored = app.clone().for_storage().to_json();
    assert_eq!(SavedApp::from_json(&stored).unwrap(), app, "kept across reloads");
    let exported = app.clone().for_export(true).to_json();
    assert!(!exported.contains("secret payload"), "{exported}");
    assert!(!exported.contains("history"), "no empty history either: {exported}");
    let older = stored.replace("secret payload", "x");
    assert!(SavedApp::from_json(&older).is_ok());
}
