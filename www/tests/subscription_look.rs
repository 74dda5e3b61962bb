//! Subscription colours and the filters that pick a message's colour and the messages shown.

use wasmqtt::topic::TopicFilter;
use wasmqtt_app::model::{SavedApp, SavedSubscription, SubscriptionSettings};
use wasmqtt_app::subscription_look::{color_after, covers, is_color, Palette, COLORS};

#[test]
fn new_subscriptions_get_distinct_colours_in_turn() {
    let first: Vec<&str> = (0..COLORS.len()).map(color_after).collect();
    let mut unique = first.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), COLORS.len(), "no repeat before the palette is used up");
    assert_eq!(color_after(COLORS.len()), color_after(0));
    assert!(COLORS.iter().all(|c| is_color(c)));
    assert!(!is_color("red") && !is_color("#12345") && !is_color("#12345g"));
}

#[test]
fn a_message_takes_the_colour_of_the_first_subscription_that_covers_it() {
    let palette = Palette::new([
        ("sensors/+/temp", "#ff0000"),
        ("sensors/#", "#00ff00"),
        ("$SYS/#", "#0000ff"),
    ]);
    assert_eq!(palette.color_of("sensors/k/temp"), Some("#ff0000"));
    assert_eq!(palette.color_of("sensors/k/hum"), Some("#00ff00"));
    assert_eq!(palette.color_of("$SYS/broker/uptime"), Some("#0000ff"));
    assert_eq!(palette.color_of("other"), None);
    assert_eq!(palette.color_of("bad/+"), None, "not a topic name");
    let filter = TopicFilter::new("a/+").unwrap();
    assert!(covers(&filter, "a/b") && !covers(&filter, "a/b/c") && !covers(&filter, "a/#"));
}

#[test]
fn colour_alias_and_enabled_are_saved_and_older_documents_read_back() {
    let saved = SavedSubscription {
        filter: "a/#".into(),
        options: SubscriptionSettings {
            color: "#123456".into(),
            alias: "Everything in a".into(),
            ..Default::default()
        },
        enabled: false,
    };
    let json = serde_json::to_string(&saved).unwrap();
    assert!(json.contains("\"color\":\"#123456\"") && json.contains("\"enabled\":false"), "{json}");
    let back: SavedSubscription = serde_json::from_str(&json).unwrap();
    assert_eq!(back, saved);
    let old: SavedSubscription = serde_json::from_str(r#"{"filter": "x", "qos": 1}"#).unwrap();
    assert!(old.enabled, "older subscriptions were all made");
    assert_eq!((old.options.color.as_str(), old.options.alias.as_str()), ("", ""));
    assert!(SavedApp::from_json(r#"{"format": 1, "connections": []}"#).is_ok());
}
