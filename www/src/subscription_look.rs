//! How subscriptions mark their messages: a colour per subscription (the bar beside each
//! message it brought) and which messages a subscription's filter covers, for the colour bar
//! and for showing one subscription's messages only.

use wasmqtt::topic::{TopicFilter, TopicName};

/// Colours given to new subscriptions in turn, so that neighbours differ (MQTTX draws them at
/// random, which can give two subscriptions the same shade).
pub const COLORS: [&str; 8] =
    ["#34c388", "#3b82f6", "#f59e0b", "#ef4444", "#8b5cf6", "#14b8a6", "#ec4899", "#84cc16"];

/// The colour for the subscription made after `count` others.
pub fn color_after(count: usize) -> &'static str {
    COLORS[count % COLORS.len()]
}

/// Whether `color` is what a colour input gives: `#` and six hex digits.
pub fn is_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Parsed filters with their colours, to colour many messages: the first that matches wins,
/// as the subscription made first is the one listed first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette(Vec<(TopicFilter, String)>);

impl Palette {
    /// From (filter, colour) pairs; filters that do not parse (none should) are left out.
    pub fn new<'a>(subscriptions: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(
            subscriptions
                .into_iter()
                .filter_map(|(filter, color)| {
                    Some((TopicFilter::new(filter).ok()?, color.to_owned()))
                })
                .collect(),
        )
    }

    /// The colour of the first subscription whose filter matches `topic`.
    pub fn color_of(&self, topic: &str) -> Option<&str> {
        let name = TopicName::new(topic).ok()?;
        self.0.iter().find(|(filter, _)| filter.matches(&name)).map(|(_, c)| c.as_str())
    }
}

/// Whether `topic` is covered by `filter` (false when either does not parse).
pub fn covers(filter: &TopicFilter, topic: &str) -> bool {
    TopicName::new(topic).is_ok_and(|name| filter.matches(&name))
}
