//! The Chinese interface: every text the views look up has a translation, and lookups fall
//! back to English.

use wasmqtt_app::i18n::{chinese, tr, Lang};

/// The string literals that follow `marker` in `source`: the texts passed to `t(...)`,
/// `tr(...)` and the labelled-field helpers. A marker ending in a quote opens the literal; one
/// without is followed by the call's first literal on the same line.
fn texts_after<'a>(source: &'a str, marker: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = source[from..].find(marker).map(|i| i + from) {
        from = at + marker.len();
        // `t("` must be a call of `t` itself, not the end of `set("` or `format!("`.
        let before = source[..at].chars().next_back();
        if marker.starts_with('t') && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &source[from..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let start = if marker.ends_with('"') { Some(0) } else { line.find('"').map(|i| i + 1) };
        if let Some(start) = start {
            if let Some(len) = line[start..].find('"') {
                out.push(&line[start..start + len]);
            }
        }
    }
    out
}

#[test]
fn every_text_the_views_look_up_has_a_chinese_translation() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui");
    let mut missing = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        for marker in [
            "t(\"",
            "tr(lang.get(), \"",
            "tr(l, \"",
            "_field(conn, \"",
            "text_area(conn, \"",
            "_button(View::",
            "_button(Tab::",
            "prop_field(\"",
        ] {
            // `t("` also ends `format!("`, `get("` ...: only a call of `t` itself counts.
            for text in texts_after(&source, marker) {
                seen += 1;
                if chinese(text).is_none() {
                    missing
                        .push(format!("{}: {text:?}", path.file_name().unwrap().to_string_lossy()));
                }
            }
        }
    }
    assert!(seen > 120, "the scan found the views' texts ({seen})");
    // What CONNACK granted, listed under Info by these names.
    let state = std::fs::read_to_string(format!("{dir}/state.rs")).unwrap();
    let granted = &state[state.find("fn server_info").unwrap()..];
    for text in texts_after(&granted[..granted.find("\n}\n").unwrap()], "(\"") {
        // Values made with `format!` are numbers and units, not names.
        if !text.contains('{') && chinese(text).is_none() {
            missing.push(format!("state.rs: {text:?}"));
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "no Chinese for:\n{}", missing.join("\n"));
}

#[test]
fn lookups_fall_back_to_english_and_tags_round_trip() {
    assert_eq!(tr(Lang::Zh, "New Connection"), "新建连接");
    assert_eq!(tr(Lang::En, "New Connection"), "New Connection");
    assert_eq!(tr(Lang::Zh, "not in the table"), "not in the table");
    for lang in [Lang::En, Lang::Zh] {
        assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
    }
    assert_eq!(Lang::from_tag("fr"), None);
}
