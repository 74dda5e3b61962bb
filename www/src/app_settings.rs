//! Settings of the whole app (MQTTX keeps them on its Settings page): resubscribing after an
//! automatic reconnect, how many reconnect attempts before giving up, and how many messages a
//! connection keeps.

use serde::{Deserialize, Serialize};

/// The app-wide settings, saved in the browser as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    /// After an automatic reconnect to a server that kept no session, make the subscriptions
    /// again.
    pub auto_resubscribe: bool,
    /// Reconnect attempts in a row before giving up; 0 for no limit.
    pub max_reconnect_attempts: u32,
    /// Messages a connection keeps (in memory and in IndexedDB), the newest.
    pub message_limit: u32,
}

impl AppSettings {
    /// The fewest messages a connection may be set to keep.
    pub const MIN_MESSAGES: u32 = 10;
    /// The most: a million messages of a few hundred bytes still fit a browser's storage.
    pub const MAX_MESSAGES: u32 = 1_000_000;

    /// The settings read back from `json`; defaults for what is missing or unreadable, and the
    /// message limit brought within its bounds.
    pub fn from_json(json: Option<&str>) -> Self {
        let mut s: Self = json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
        s.message_limit = s.message_limit.clamp(Self::MIN_MESSAGES, Self::MAX_MESSAGES);
        s
    }

    /// The settings as saved.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The reconnect attempt limit for the session options.
    pub fn max_attempts(&self) -> Option<u32> {
        (self.max_reconnect_attempts > 0).then_some(self.max_reconnect_attempts)
    }
}

impl Default for AppSettings {
    fn default() -> Self {
        Self { auto_resubscribe: true, max_reconnect_attempts: 0, message_limit: 100_000 }
    }
}
