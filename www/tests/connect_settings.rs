//! What the connection form's MQTT 5.0 settings, Last Will and SCRAM choice put in CONNECT.

use wasmqtt::codec::{ProtocolVersion, QoS};
use wasmqtt_app::model::{ConnectionSettings, SavedApp};

fn settings() -> ConnectionSettings {
    ConnectionSettings::for_url("Local", "ws://127.0.0.1:8083/mqtt", "me").unwrap()
}

#[test]
fn the_v5_settings_become_connect_properties() {
    let mut s = settings();
    s.session_expiry = 300;
    s.receive_maximum = 20;
    s.maximum_packet_size = 65_536;
    s.topic_alias_maximum = 10;
    s.request_response_information = true;
    s.request_problem_information = false;
    s.user_properties = "region=eu\n\n  team = blue \nregion=us".into();
    let p = s.session_options().unwrap().properties;
    assert_eq!(p.session_expiry_interval, Some(300));
    assert_eq!(p.receive_maximum.map(|n| n.get()), Some(20));
    assert_eq!(p.maximum_packet_size.map(|n| n.get()), Some(65_536));
    assert_eq!(p.topic_alias_maximum, Some(10));
    assert_eq!(p.request_response_information, Some(true));
    assert_eq!(p.request_problem_information, Some(false));
    let pairs: Vec<(&str, &str)> =
        p.user_properties.iter().map(|u| (u.key.as_str(), u.value.as_str())).collect();
    assert_eq!(pairs, [("region", "eu"), ("team", "blue"), ("region", "us")], "order, repeats");
}

#[test]
fn defaults_send_no_properties_and_3_1_1_sends_none_at_all() {
    let p = settings().session_options().unwrap().properties;
    assert_eq!(p, Default::default(), "absent means the protocol's default");
    let mut s = settings();
    s.version = ProtocolVersion::V3_1_1;
    s.receive_maximum = 5;
    s.user_properties = "a=b".into();
    assert_eq!(s.session_options().unwrap().properties, Default::default());
    s.version = ProtocolVersion::V5;
    s.user_properties = "no equals sign".into();
    assert_eq!(
        s.session_options().unwrap_err(),
        "User Properties: \"no equals sign\" is not key=value"
    );
}

#[test]
fn the_last_will_goes_in_connect_with_its_v5_properties() {
    let mut s = settings();
    assert!(s.session_options().unwrap().will.is_none(), "no topic, no will");
    s.will.topic = "status/me".into();
    s.will.payload = "offline".into();
    s.will.qos = 1;
    s.will.retain = true;
    s.will.delay = 5;
    s.will.message_expiry = 60;
    s.will.content_type = "text/plain".into();
    s.will.utf8 = true;
    s.will.response_topic = "status/ack".into();
    s.will.correlation_data = "c1".into();
    s.will.user_properties = "why=crash".into();
    let will = s.session_options().unwrap().will.unwrap();
    assert_eq!(will.topic.as_str(), "status/me");
    assert_eq!(will.payload.as_ref(), b"offline");
    assert_eq!((will.qos, will.retain), (QoS::AtLeastOnce, true));
    let p = &will.properties;
    assert_eq!((p.will_delay_interval, p.message_expiry_interval), (Some(5), Some(60)));
    assert_eq!(p.content_type.as_deref(), Some("text/plain"));
    assert_eq!(p.payload_format_indicator, Some(true));
    assert_eq!(p.response_topic.as_ref().map(|t| t.as_str()), Some("status/ack"));
    assert_eq!(p.correlation_data.as_ref().map(|c| c.as_ref()), Some(&b"c1"[..]));
    assert_eq!(p.user_properties.len(), 1);
    // Under 3.1.1 the will goes without properties.
    s.version = ProtocolVersion::V3_1_1;
    let will = s.session_options().unwrap().will.unwrap();
    assert_eq!(will.properties, Default::default());
    // Bad values are named.
    s.will.topic = "status/+".into();
    assert!(s.session_options().unwrap_err().starts_with("Will Topic:"));
    s.will.topic = "status/me".into();
    s.will.qos = 3;
    assert_eq!(s.session_options().unwrap_err(), "Will QoS 3 is not 0, 1 or 2");
}

#[test]
fn scram_keeps_the_credentials_out_of_connect() {
    let mut s = settings();
    s.username = "alice".into();
    s.password = "secret".into();
    let plain = s.session_options().unwrap();
    assert!(plain.username.is_some() && plain.password.is_some());
    assert_eq!(s.scram_credentials(), Ok(None));
    s.scram = true;
    let options = s.session_options().unwrap();
    assert!(options.username.is_none() && options.password.is_none(), "only in AUTH");
    assert_eq!(s.scram_credentials(), Ok(Some(("alice".into(), "secret".into()))));
    s.password.clear();
    assert_eq!(s.scram_credentials().unwrap_err(), "SCRAM-SHA-256 needs a username and a password");
    s.password = "secret".into();
    s.version = ProtocolVersion::V3_1_1;
    assert!(s.scram_credentials().unwrap_err().contains("needs MQTT 5.0"));
}

#[test]
fn older_saved_connections_read_back_with_the_new_settings_at_their_defaults() {
    let json = SavedApp {
        format: SavedApp::FORMAT,
        connections: vec![wasmqtt_app::model::SavedConnection {
            settings: settings(),
            subscriptions: Vec::new(),
            key: String::new(),
            history: Default::default(),
        }],
    }
    .to_json();
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fields = old["connections"][0].as_object_mut().unwrap();
    for key in ["receiveMaximum", "requestProblemInformation", "will", "scram", "userProperties"] {
        assert!(fields.remove(key).is_some(), "{key} is saved");
    }
    let back = SavedApp::from_json(&old.to_string()).unwrap();
    let s = &back.connections[0].settings;
    assert!(s.request_problem_information, "on unless turned off");
    assert_eq!((s.receive_maximum, s.scram, s.will.topic.as_str()), (0, false, ""));
}
