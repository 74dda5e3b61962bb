//! The app's state models, natively: settings to URL and session options, the capped message
//! log, payload views and their parsing.

use wasmqtt::codec::{ProtocolVersion, QoS};
use wasmqtt::session::ClientId;
use wasmqtt_app::model::{
    ConnectionSettings, Direction, MessageLog, MessageRecord, PayloadFormat, Scheme,
};
use wasmqtt_app::{encoding, json};

#[test]
fn settings_parse_a_url_and_give_it_back() {
    let s = ConnectionSettings::for_url("Local", "ws://127.0.0.1:8083/mqtt", "id-1").unwrap();
    assert_eq!(
        (s.scheme, s.host.as_str(), s.port, s.path.as_str()),
        (Scheme::Ws, "127.0.0.1", 8083, "/mqtt")
    );
    assert_eq!(s.url(), "ws://127.0.0.1:8083/mqtt");
    let tls = ConnectionSettings::for_url("Cloud", "wss://broker.example", "").unwrap();
    assert_eq!((tls.port, tls.path.as_str()), (443, "/"));
    assert_eq!(tls.url(), "wss://broker.example:443/");
}

#[test]
fn settings_refuse_what_is_not_a_websocket_url_naming_it() {
    let e = ConnectionSettings::for_url("x", "mqtt://host:1883", "").unwrap_err();
    assert!(e.contains("mqtt://host:1883"), "{e}");
    let e = ConnectionSettings::for_url("x", "ws://host:port/mqtt", "").unwrap_err();
    assert!(e.contains("\"port\""), "{e}");
    assert!(ConnectionSettings::for_url("x", "ws://:80/", "").is_err());
}

#[test]
fn session_options_follow_the_form() {
    let mut s = ConnectionSettings::for_url("Local", "ws://127.0.0.1:8083/mqtt", "me").unwrap();
    s.username = "user".into();
    s.password = "secret".into();
    s.keep_alive = 30;
    s.clean_start = false;
    s.session_expiry = 600;
    let o = s.session_options().unwrap();
    assert_eq!(o.protocol_version, ProtocolVersion::V5);
    assert!(matches!(&o.client_id, ClientId::Fixed(id) if id.as_str() == "me"));
    assert_eq!(o.username.as_ref().map(|u| u.as_str()), Some("user"));
    assert_eq!((o.keep_alive, o.clean_start), (30, false));
    assert_eq!(o.properties.session_expiry_interval, Some(600));
    s.version = ProtocolVersion::V3_1_1;
    assert_eq!(s.session_options().unwrap().properties.session_expiry_interval, None, "5.0 only");
    s.client_id.clear();
    assert!(matches!(s.session_options().unwrap().client_id, ClientId::AssignedByServer));
    s.client_id = "bad\0id".into();
    assert!(s.session_options().unwrap_err().starts_with("Client ID"));
}

fn record(topic: &str) -> MessageRecord {
    MessageRecord {
        seq: 0,
        direction: Direction::Received,
        topic: topic.into(),
        payload: b"x".to_vec(),
        qos: QoS::AtMostOnce,
        retain: false,
        time_ms: 0.0,
        properties: Vec::new(),
    }
}

#[test]
fn the_log_keeps_the_newest_up_to_its_cap_with_unique_seqs() {
    let mut log = MessageLog::new(3);
    for i in 0..5 {
        assert_eq!(log.push(record(&format!("t/{i}"))), i);
    }
    let topics: Vec<&str> = log.iter().map(|m| m.topic.as_str()).collect();
    assert_eq!(topics, ["t/2", "t/3", "t/4"]);
    let seqs: Vec<u64> = log.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, [2, 3, 4]);
    log.clear();
    assert!(log.is_empty());
    assert_eq!(log.push(record("after")), 5, "seqs never repeat, so list keys stay unique");
}

#[test]
fn records_are_found_by_seq_and_deleted_one_by_one_also_past_the_cap() {
    let mut log = MessageLog::new(4);
    log.extend((0..6).map(|i| record(&format!("t/{i}"))));
    assert_eq!(log.len(), 4);
    assert_eq!(log.get(0).map(|m| m.seq), Some(2), "position 0 is the oldest held");
    assert!(log.find(1).is_none(), "dropped past the cap");
    assert_eq!(log.find(4).map(|m| m.topic.as_str()), Some("t/4"));
    assert!(log.remove(4));
    assert!(!log.remove(4), "already gone");
    let seqs: Vec<u64> = log.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, [2, 3, 5]);
    assert_eq!(log.find(5).map(|m| m.topic.as_str()), Some("t/5"), "found after a removal");
}

#[test]
fn messages_read_back_from_storage_go_before_the_new_ones_of_this_page() {
    // An earlier page stored 10..15; this page numbers from 1000 and has two already.
    let mut log = MessageLog::numbered_from(5, 1000);
    log.extend([record("new/a"), record("new/b")]);
    let stored: Vec<MessageRecord> = (10..15)
        .rev()
        .map(|seq| MessageRecord { seq, ..record(&format!("old/{seq}")) })
        .chain([MessageRecord { seq: 1000, ..record("already here") }])
        .collect();
    log.prepend_older(stored);
    let topics: Vec<&str> = log.iter().map(|m| m.topic.as_str()).collect();
    assert_eq!(topics, ["old/12", "old/13", "old/14", "new/a", "new/b"], "oldest first, capped");
    let seqs: Vec<u64> = log.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, [12, 13, 14, 1000, 1001], "numbers kept, in order");
    assert_eq!(log.push(record("next")), 1002);
    let mut empty = MessageLog::numbered_from(5, 7);
    empty.prepend_older(vec![MessageRecord { seq: 40, ..record("later") }]);
    assert_eq!(empty.push(record("after")), 41, "numbers continue past what was read back");
    assert_eq!(empty.cap(), 5);
}

#[test]
fn payload_views_render_and_parse_back() {
    let bytes = b"{\"a\":[1,2.5e3,true,null],\"b\":\"x\\\"y\"}";
    let pretty = PayloadFormat::Json.render(bytes);
    assert_eq!(
        pretty,
        "{\n  \"a\": [\n    1,\n    2.5e3,\n    true,\n    null\n  ],\n  \"b\": \"x\\\"y\"\n}"
    );
    assert_eq!(PayloadFormat::Json.render(b"not json"), "not json", "shown as text when invalid");
    // Binary-safe views give back the same bytes; JSON is sent as typed.
    for format in [PayloadFormat::Base64, PayloadFormat::Hex] {
        let sample: &[u8] = b"hi\x00\xff";
        assert_eq!(format.parse(&format.render(sample)).unwrap(), sample, "{format:?}");
    }
    assert_eq!(PayloadFormat::Json.parse("[1]").unwrap(), b"[1]");
    assert_eq!(PayloadFormat::Plaintext.render(b"a\xffb"), "a\u{fffd}b");
    assert_eq!(PayloadFormat::Hex.render(b"\x01\xab"), "01 ab");
    assert!(PayloadFormat::Hex.parse("0g").unwrap_err().contains("0g"));
    assert!(PayloadFormat::Hex.parse("abc").is_err(), "odd digit count");
    assert!(PayloadFormat::Json.parse("{").is_err());
    assert!(PayloadFormat::Base64.parse("a*").unwrap_err().contains('*'));
}

#[test]
fn base64_matches_rfc_4648_vectors() {
    let vectors = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, coded) in vectors {
        assert_eq!(encoding::base64_encode(plain.as_bytes()), coded);
        assert_eq!(encoding::base64_decode(coded).unwrap(), plain.as_bytes());
    }
}

#[test]
fn json_refuses_invalid_documents_and_deep_nesting() {
    for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "tru", "[1] 2", "\"a\nb\""] {
        assert_eq!(json::pretty(bad), None, "{bad:?}");
    }
    assert_eq!(json::pretty("  [ ]  ").as_deref(), Some("[]"));
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert_eq!(json::pretty(&deep), None, "too deep: refused, not a stack overflow");
}

#[test]
fn connections_survive_a_save_and_load_and_bad_files_are_refused_by_reason() {
    use wasmqtt_app::model::{SavedApp, SavedConnection, SavedSubscription, SubscriptionSettings};
    let mut settings =
        ConnectionSettings::for_url("Local", "ws://127.0.0.1:8083/mqtt", "me").unwrap();
    settings.version = ProtocolVersion::V3_1_1;
    let app = SavedApp {
        format: SavedApp::FORMAT,
        connections: vec![SavedConnection {
            settings,
            subscriptions: vec![SavedSubscription {
                filter: "a/#".into(),
                options: SubscriptionSettings {
                    qos: 1,
                    no_local: true,
                    subscription_identifier: Some(7),
                    ..Default::default()
                },
                enabled: true,
            }],
            key: String::new(),
            history: Default::default(),
        }],
    };
    let json = app.to_json();
    assert!(json.contains("\"version\": 4"), "protocol level saved: {json}");
    assert!(json.contains("\"clientId\": \"me\""), "MQTTX-style camelCase names: {json}");
    assert!(json.contains("\"noLocal\": true"), "{json}");
    let old = json.replace("\"noLocal\": true,", "");
    assert!(
        !SavedApp::from_json(&old).unwrap().connections[0].subscriptions[0].options.no_local,
        "missing options default"
    );
    assert_eq!(SavedApp::from_json(&json).unwrap(), app);
    assert!(SavedApp::from_json("[]").unwrap_err().starts_with("not a wasmqtt connections file"));
    let wrong_level = json.replace("\"version\": 4", "\"version\": 7");
    assert!(SavedApp::from_json(&wrong_level).unwrap_err().contains("protocol level 7"));
    let future = json.replace("\"format\": 1", "\"format\": 2");
    assert!(SavedApp::from_json(&future).unwrap_err().contains("format 2"));
}

#[test]
fn passwords_are_stored_only_when_remembered_and_exported_only_when_asked() {
    use wasmqtt_app::model::{SavedApp, SavedConnection};
    let with_password = |name: &str, remember: bool| {
        let mut settings = ConnectionSettings::for_url(name, "ws://h:1/mqtt", name).unwrap();
        settings.password = format!("{name}-secret");
        settings.remember_password = remember;
        SavedConnection {
            settings,
            subscriptions: Vec::new(),
            key: String::new(),
            history: Default::default(),
        }
    };
    let app = SavedApp {
        format: SavedApp::FORMAT,
        connections: vec![with_password("kept", true), with_password("forgot", false)],
    };
    let stored = app.clone().for_storage().to_json();
    assert!(stored.contains("kept-secret"), "ticked: stored");
    assert!(!stored.contains("forgot-secret"), "not ticked: not stored: {stored}");
    assert!(!app.clone().for_export(false).to_json().contains("-secret"), "export leaves them out");
    let both = app.for_export(true).to_json();
    assert!(both.contains("kept-secret") && both.contains("forgot-secret"), "unless asked");
    // Documents saved before the choice existed read back with it off.
    let old =
        both.replace("\"rememberPassword\": true,", "").replace("\"rememberPassword\": false,", "");
    assert!(!old.contains("rememberPassword"));
    assert!(SavedApp::from_json(&old)
        .unwrap()
        .connections
        .iter()
        .all(|c| !c.settings.remember_password));
}

#[test]
fn publish_properties_from_the_form_with_bad_values_named() {
    use wasmqtt_app::model::{property_rows, PublishPropertiesForm};
    let form = PublishPropertiesForm {
        utf8: true,
        message_expiry: "60".into(),
        content_type: "application/json".into(),
        response_topic: "reply/me".into(),
        correlation_data: "abc".into(),
        user_properties: "unit=C\nunit=F\n\n site = north ".into(),
        topic_alias: "3".into(),
    };
    let p = form.to_properties().unwrap();
    assert_eq!(p.payload_format_indicator, Some(true));
    assert_eq!(p.message_expiry_interval, Some(60));
    assert_eq!(p.topic_alias.map(|a| a.get()), Some(3));
    let users: Vec<(String, String)> = p
        .user_properties
        .iter()
        .map(|u| (u.key.as_str().to_owned(), u.value.as_str().to_owned()))
        .collect();
    assert_eq!(
        users,
        [("unit".into(), "C".into()), ("unit".into(), "F".into()), ("site".into(), "north".into())],
        "order and repeats kept"
    );
    let rows = property_rows(&p);
    assert!(rows.contains(&("Content Type".into(), "application/json".into())), "{rows:?}");
    assert!(rows.contains(&("Correlation Data".into(), "616263".into())), "{rows:?}");
    for (form, field) in [
        (
            PublishPropertiesForm { message_expiry: "soon".into(), ..Default::default() },
            "Message Expiry Interval",
        ),
        (PublishPropertiesForm { topic_alias: "0".into(), ..Default::default() }, "Topic Alias"),
        (
            PublishPropertiesForm { response_topic: "a/+".into(), ..Default::default() },
            "Response Topic",
        ),
        (
            PublishPropertiesForm { user_properties: "novalue".into(), ..Default::default() },
            "User Properties",
        ),
    ] {
        assert!(form.to_properties().unwrap_err().starts_with(field), "{field}");
    }
    assert_eq!(PublishPropertiesForm::default().to_properties().unwrap(), Default::default());
}

#[test]
fn the_connection_search_finds_names_hosts_and_client_ids_ignoring_case() {
    let settings =
        ConnectionSettings::for_url("Kitchen Sensors", "ws://broker.lan:8083/mqtt", "dev-7")
            .unwrap();
    for query in ["", "  ", "kitchen", "SENSORS", "broker.lan", ":8083", "dev-7"] {
        assert!(settings.matches(query), "{query:?} should match");
    }
    for query in ["garage", "wss://", "dev-8"] {
        assert!(!settings.matches(query), "{query:?} should not match");
    }
}

#[test]
fn app_settings_default_like_mqttx_and_read_back_within_bounds() {
    use wasmqtt_app::app_settings::AppSettings;
    let defaults = AppSettings::default();
    assert!(defaults.auto_resubscribe);
    assert_eq!((defaults.max_attempts(), defaults.message_limit), (None, 100_000));
    let mut s = defaults.clone();
    s.auto_resubscribe = false;
    s.max_reconnect_attempts = 3;
    s.message_limit = 500;
    assert_eq!(AppSettings::from_json(Some(&s.to_json())), s);
    assert_eq!(s.max_attempts(), Some(3));
    assert_eq!(AppSettings::from_json(None), defaults);
    assert_eq!(AppSettings::from_json(Some("not json")), defaults);
    assert_eq!(AppSettings::from_json(Some(r#"{"messageLimit": 1}"#)).message_limit, 10);
    let partial = AppSettings::from_json(Some(r#"{"maxReconnectAttempts": 2}"#));
    assert_eq!((partial.auto_resubscribe, partial.max_reconnect_attempts), (true, 2));
}

#[test]
fn pretty_json_is_cut_into_coloured_tokens_that_give_the_text_back() {
    use wasmqtt_app::json::{highlight, pretty, Token};
    let text = pretty(r#"{"a": [1, -2.5e3, true, null], "b\"c": "x\"yé", "n": {}}"#).unwrap();
    let tokens = highlight(&text);
    assert_eq!(tokens.iter().map(|(_, s)| *s).collect::<String>(), text, "nothing lost");
    let of = |kind: Token| -> Vec<&str> {
        tokens.iter().filter(|(k, _)| *k == kind).map(|(_, s)| *s).collect()
    };
    assert_eq!(of(Token::Key), [r#""a""#, r#""b\"c""#, r#""n""#]);
    assert_eq!(of(Token::String), [r#""x\"yé""#]);
    assert_eq!(of(Token::Number), ["1", "-2.5e3"]);
    assert_eq!(of(Token::Literal), ["true", "null"]);
    assert_eq!(Token::Key.class(), "json-key");
}
