//! The publish history: the last publishes of a connection as they were typed, newest first,
//! so that one can be sent again after a change or two (MQTTX keeps one per connection too).

use serde::{Deserialize, Serialize};

/// One publish as typed in the publish box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishDraft {
    /// The topic.
    pub topic: String,
    /// The payload as typed, in `format`.
    pub payload: String,
    /// The payload format's label ("JSON", "Base64", ...).
    pub format: String,
    /// QoS 0, 1 or 2.
    pub qos: u8,
    /// The Retain flag.
    pub retain: bool,
}

impl PublishDraft {
    /// Longest payload shown in a history entry's summary.
    const SUMMARY_CHARS: usize = 40;

    /// One line for the history menu: topic, QoS, retain, and the payload's start.
    pub fn summary(&self) -> String {
        let flat = self.payload.split_whitespace().collect::<Vec<_>>().join(" ");
        let payload = match flat.char_indices().nth(Self::SUMMARY_CHARS) {
            Some((cut, _)) => format!("{}…", &flat[..cut]),
            None => flat,
        };
        let retain = if self.retain { ", retained" } else { "" };
        format!("{} (QoS {}{retain}): {payload}", self.topic, self.qos)
    }
}

/// The last [`PublishHistory::CAP`] publishes of a connection, newest first, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PublishHistory(Vec<PublishDraft>);

impl PublishHistory {
    /// How many publishes are kept.
    pub const CAP: usize = 20;

    /// Records a publish: it becomes the newest, an identical older entry goes, and the oldest
    /// beyond the cap is dropped.
    pub fn record(&mut self, draft: PublishDraft) {
        self.0.retain(|d| *d != draft);
        self.0.insert(0, draft);
        self.0.truncate(Self::CAP);
    }

    /// The entries, newest first.
    pub fn entries(&self) -> &[PublishDraft] {
        &self.0
    }

    /// Whether nothing was published yet.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}
