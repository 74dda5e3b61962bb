//! The topic tree: levels, counts, last and retained values.

use wasmqtt_app::tree::TopicTree;

#[test]
fn topics_nest_by_level_with_counts_and_values() {
    let mut tree = TopicTree::default();
    tree.record("home/kitchen/temp", b"21", false);
    tree.record("home/kitchen/temp", b"22", false);
    tree.record("home/hall/light", b"on", true);
    tree.record("home", b"root", false);
    tree.record("/leading", b"x", false);
    let home = tree.find("home").unwrap();
    assert_eq!((home.own, home.total), (1, 4));
    let temp = tree.find("home/kitchen/temp").unwrap();
    assert_eq!((temp.own, temp.total), (2, 2));
    assert_eq!(temp.last.as_deref(), Some(&b"22"[..]));
    assert_eq!(temp.retained, None);
    assert_eq!(tree.find("home/hall/light").unwrap().retained.as_deref(), Some(&b"on"[..]));
    assert_eq!(tree.root().total, 5);
    assert_eq!(tree.topic_count(), 4);
    let names: Vec<&str> = tree.find("home").unwrap().children.keys().map(String::as_str).collect();
    assert_eq!(names, ["hall", "kitchen"], "levels in order");
    assert!(
        tree.find("").unwrap().children.contains_key("leading"),
        "an empty first level is a level"
    );
}

#[test]
fn an_empty_retained_payload_clears_the_retained_value() {
    let mut tree = TopicTree::default();
    tree.record("a", b"kept", true);
    tree.record("a", b"", true);
    assert_eq!(tree.find("a").unwrap().retained, None);
    assert_eq!(tree.find("a").unwrap().last.as_deref(), Some(&b""[..]));
}

#[test]
fn a_flood_of_unique_topics_stops_growing_the_tree() {
    let mut tree = TopicTree::default();
    for i in 0..wasmqtt_app::tree::MAX_TOPICS + 10 {
        tree.record(&format!("flood/{i}"), b"x", false);
    }
    assert_eq!(tree.topic_count(), wasmqtt_app::tree::MAX_TOPICS);
    tree.clear();
    assert_eq!(tree.root().total, 0);
}
