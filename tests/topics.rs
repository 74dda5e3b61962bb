//! Topic names and filters: validation and matching tables, with the handbook's examples
//! (chapter "MQTT 主题") and the spec's rules (MQTT 5.0 section 4.7).
#![cfg(not(target_arch = "wasm32"))]

use wasmqtt::topic::{TopicErrorKind, TopicFilter, TopicName};

fn name(s: &str) -> TopicName {
    TopicName::new(s).unwrap_or_else(|e| panic!("{s:?} should be a valid name: {e}"))
}

fn filter(s: &str) -> TopicFilter {
    TopicFilter::new(s).unwrap_or_else(|e| panic!("{s:?} should be a valid filter: {e}"))
}

#[test]
fn valid_filters_from_the_handbook_and_the_spec() {
    for f in [
        "#",
        "+",
        "sensor/+",
        "sensor/+/temperature",
        "sensor/#",
        "chat/room/1",
        "+/+",
        "/+",
        "/",
        "sport/tennis/#",
        "$SYS/#",
        "$share/g/topic",
        "$share/consumer1/sport/tennis/+",
        "$queue/sport/#",
        "a//b",
    ] {
        filter(f);
    }
}

#[test]
fn invalid_filters_name_what_is_wrong() {
    use TopicErrorKind as K;
    let cases = [
        ("", K::Empty),
        ("sensor+", K::MisplacedSingleLevelWildcard),
        ("sensor/bedroom#", K::MisplacedMultiLevelWildcard),
        ("sensor/#/temperature", K::MisplacedMultiLevelWildcard),
        ("sport/tennis#", K::MisplacedMultiLevelWildcard),
        ("#/", K::MisplacedMultiLevelWildcard),
        ("a/+b/c", K::MisplacedSingleLevelWildcard),
        ("a\0b", K::ContainsNul),
        ("$share//topic", K::InvalidShareName),
        ("$share/g+/topic", K::InvalidShareName),
        ("$share/group", K::EmptySharedFilter),
        ("$share/group/", K::EmptySharedFilter),
        ("$queue/", K::EmptySharedFilter),
        ("$share/g/a#", K::MisplacedMultiLevelWildcard),
    ];
    for (f, kind) in cases {
        let err = TopicFilter::new(f).expect_err(f);
        assert_eq!(err.kind, kind, "{f:?}");
        assert!(err.to_string().contains(&format!("{f:?}")), "message names the filter: {err}");
    }
}

#[test]
fn names_never_contain_wildcards_and_fit_in_65535_bytes() {
    // [MQTT-3.3.2-2], [MQTT-4.7.3-1], [MQTT-4.7.3-2], [MQTT-4.7.3-3]
    assert_eq!(TopicName::new("sensor/+").unwrap_err().kind, TopicErrorKind::WildcardInName);
    assert_eq!(TopicName::new("sensor/#").unwrap_err().kind, TopicErrorKind::WildcardInName);
    assert_eq!(TopicName::new("").unwrap_err().kind, TopicErrorKind::Empty);
    assert_eq!(TopicName::new("a\0").unwrap_err().kind, TopicErrorKind::ContainsNul);
    assert_eq!(TopicName::new("x".repeat(65_535)).unwrap().len(), 65_535);
    let long = TopicName::new("x".repeat(65_536)).unwrap_err();
    assert_eq!(long.kind, TopicErrorKind::TooLong);
    assert!(long.topic.len() < 100, "the message shows a preview, not 64 KiB");
    assert_eq!(TopicFilter::new("x".repeat(65_536)).unwrap_err().kind, TopicErrorKind::TooLong);
    // Spaces, unicode and leading/trailing slashes are allowed, if unwise.
    for n in ["/chat", "chat/", "温度/传感器", "a b", "$SYS/brokers"] {
        name(n);
    }
}

#[test]
fn matching_table() {
    let cases: &[(&str, &str, bool)] = &[
        // The handbook: sensor/+/temperature matches one level, exactly.
        ("sensor/+/temperature", "sensor/1/temperature", true),
        ("sensor/+/temperature", "sensor/n/temperature", true),
        ("sensor/+/temperature", "sensor/temperature", false),
        ("sensor/+/temperature", "sensor/bedroom/1/temperature", false),
        // The handbook: sensor/# matches its parent and any depth below.
        ("sensor/#", "sensor", true),
        ("sensor/#", "sensor/temperature", true),
        ("sensor/#", "sensor/1/temperature", true),
        ("sensor/#", "sensors", false),
        ("#", "a/b/c", true),
        ("+", "a", true),
        ("+", "a/b", false),
        ("+/+", "/finance", true),
        ("/+", "/finance", true),
        ("+", "/finance", false),
        ("sport/tennis/+", "sport/tennis/player1", true),
        ("sport/tennis/+", "sport/tennis/player1/ranking", false),
        ("sport/+", "sport/", true),
        ("sport/+", "sport", false),
        ("chat/room/1", "chat/room/1", true),
        ("chat/room/1", "chat/room/2", false),
        ("a//b", "a//b", true),
        ("a/+/b", "a//b", true),
        // [MQTT-4.7.2-1]: wildcards at the first level do not match $ topics.
        ("#", "$SYS/brokers", false),
        ("+/brokers", "$SYS/brokers", false),
        ("+/monitor/Clients", "$SYS/monitor/Clients", false),
        ("$SYS/#", "$SYS/brokers/emqx@127.0.0.1/version", true),
        ("$SYS/monitor/+", "$SYS/monitor/Clients", true),
        // Shared subscriptions match as their inner filter.
        ("$share/g/topic", "topic", true),
        ("$share/consumer1/sport/#", "sport/tennis", true),
        ("$share/consumer1/sport/#", "finance", false),
        ("$queue/sport/#", "sport/golf", true),
    ];
    for &(f, n, expected) in cases {
        assert_eq!(filter(f).matches(&name(n)), expected, "{f:?} vs {n:?}");
    }
}

#[test]
fn shared_subscriptions_split_into_group_and_filter() {
    let shared = filter("$share/consumer1/sport/tennis/+");
    let parts = shared.shared().unwrap();
    assert_eq!((parts.group, parts.filter), ("consumer1", "sport/tennis/+"));
    assert!(shared.has_wildcards());
    // The handbook: $queue/{filter} is $share/queue/{filter}.
    let queue = filter("$queue/sport/#");
    assert_eq!(queue.shared().map(|s| (s.group, s.filter)), Some(("queue", "sport/#")));
    assert_eq!(queue.match_filter(), "sport/#");
    // Not shared: a $share topic without the slash after the prefix is just a filter.
    assert_eq!(filter("$shared/x").shared(), None);
    assert_eq!(filter("$SYS/#").shared(), None);
    assert!(!filter("chat/room/1").has_wildcards());
}
