//! Topic aliases (MQTT 5.0 section 3.3.2.3.4). Both tables belong to one connection and die
//! with it [MQTT-3.3.2-7], so a resend on a new connection always carries the full topic.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU16;

use crate::topic::TopicName;

/// Our side: topic → alias, within the server's Topic Alias Maximum, replacing the least
/// recently used mapping when full.
#[derive(Debug, Default)]
pub(crate) struct OutgoingAliases {
    maximum: u16,
    by_topic: HashMap<String, (NonZeroU16, u64)>,
    by_alias: HashMap<NonZeroU16, String>,
    /// last use → alias, to find the least recently used in O(log n).
    lru: BTreeMap<u64, NonZeroU16>,
    clock: u64,
    /// The lowest alias never handed out (u32: it passes 65,535 without overflowing).
    next_fresh: u32,
}

/// What to put in a PUBLISH for its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AliasUse {
    /// Full topic and no alias (aliases off, or the server allows none).
    TopicOnly,
    /// Full topic and this alias: sets up (or replaces) the mapping.
    Establish(NonZeroU16),
    /// Empty topic and this alias: the mapping exists.
    AliasOnly(NonZeroU16),
}

impl OutgoingAliases {
    pub(crate) fn new(maximum: u16) -> Self {
        Self { maximum, next_fresh: 1, ..Self::default() }
    }

    fn touch(&mut self, topic: &str, alias: NonZeroU16, previous_use: Option<u64>) {
        if let Some(previous) = previous_use {
            self.lru.remove(&previous);
        }
        self.clock += 1;
        self.lru.insert(self.clock, alias);
        self.by_topic.insert(topic.to_owned(), (alias, self.clock));
    }

    /// Chooses how to send `topic`, assigning an alias automatically.
    pub(crate) fn assign(&mut self, topic: &TopicName) -> AliasUse {
        if self.maximum == 0 {
            return AliasUse::TopicOnly;
        }
        if let Some(&(alias, used)) = self.by_topic.get(topic.as_str()) {
            self.touch(topic, alias, Some(used));
            return AliasUse::AliasOnly(alias);
        }
        // Fresh aliases count up from 1, skipping any the user mapped explicitly.
        let fresh = |n: u32| u16::try_from(n).ok().and_then(NonZeroU16::new);
        while self.next_fresh <= u32::from(self.maximum)
            && fresh(self.next_fresh).is_some_and(|a| self.by_alias.contains_key(&a))
        {
            self.next_fresh += 1;
        }
        let next = fresh(self.next_fresh);
        let alias = match next.filter(|a| a.get() <= self.maximum) {
            Some(fresh) => {
                self.next_fresh += 1;
                fresh
            }
            None => {
                // Full: take over the least recently used alias.
                let Some((_, lru)) = self.lru.pop_first() else {
                    return AliasUse::TopicOnly;
                };
                if let Some(old_topic) = self.by_alias.remove(&lru) {
                    self.by_topic.remove(&old_topic);
                }
                lru
            }
        };
        self.by_alias.insert(alias, topic.as_str().to_owned());
        self.touch(topic, alias, None);
        AliasUse::Establish(alias)
    }

    /// Records a mapping the user chose explicitly (topic and alias both sent).
    pub(crate) fn set(&mut self, topic: &TopicName, alias: NonZeroU16) {
        if let Some(old_topic) = self.by_alias.remove(&alias) {
            if let Some((_, used)) = self.by_topic.remove(&old_topic) {
                self.lru.remove(&used);
            }
        }
        let previous = self.by_topic.get(topic.as_str()).map(|&(a, used)| (a, used));
        if let Some((old_alias, used)) = previous {
            self.by_alias.remove(&old_alias);
            self.lru.remove(&used);
        }
        self.by_alias.insert(alias, topic.as_str().to_owned());
        self.touch(topic, alias, None);
    }

    /// Forgets `alias`: the PUBLISH that was to establish it was never sent, so the server
    /// does not have this mapping. The alias will be established afresh when used again.
    pub(crate) fn forget(&mut self, alias: NonZeroU16) {
        if let Some(topic) = self.by_alias.remove(&alias) {
            if let Some((_, used)) = self.by_topic.remove(&topic) {
                self.lru.remove(&used);
            }
        }
    }

    /// The topic an alias stands for on this connection.
    #[cfg(test)]
    pub(crate) fn topic_of(&self, alias: NonZeroU16) -> Option<&str> {
        self.by_alias.get(&alias).map(String::as_str)
    }
}

/// The server's side: alias → topic, within the Topic Alias Maximum we announced.
#[derive(Debug, Default)]
pub(crate) struct IncomingAliases {
    maximum: u16,
    topics: HashMap<NonZeroU16, TopicName>,
}

/// Why an incoming alias is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AliasError {
    /// Above the maximum we announced [MQTT-3.3.2-10]: DISCONNECT 0x94.
    AboveMaximum { alias: u16, maximum: u16 },
    /// An empty topic with an alias that has no mapping: DISCONNECT 0x82.
    Unknown { alias: u16 },
}

impl IncomingAliases {
    pub(crate) fn new(maximum: u16) -> Self {
        Self { maximum, topics: HashMap::new() }
    }

    /// The full topic of a received PUBLISH, recording a new mapping if it sets one.
    pub(crate) fn resolve(
        &mut self,
        topic: TopicName,
        alias: Option<NonZeroU16>,
    ) -> Result<TopicName, AliasError> {
        let Some(alias) = alias else { return Ok(topic) };
        if alias.get() > self.maximum {
            return Err(AliasError::AboveMaximum { alias: alias.get(), maximum: self.maximum });
        }
        if topic.is_empty() {
            return self
                .topics
                .get(&alias)
                .cloned()
                .ok_or(AliasError::Unknown { alias: alias.get() });
        }
        self.topics.insert(alias, topic.clone());
        Ok(topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TopicName {
        TopicName::new(s).unwrap()
    }

    fn a(n: u16) -> NonZeroU16 {
        NonZeroU16::new(n).unwrap()
    }

    #[test]
    fn outgoing_assigns_then_reuses_then_replaces_the_least_recently_used() {
        let mut aliases = OutgoingAliases::new(2);
        assert_eq!(aliases.assign(&t("a")), AliasUse::Establish(a(1)));
        assert_eq!(aliases.assign(&t("b")), AliasUse::Establish(a(2)));
        assert_eq!(aliases.assign(&t("a")), AliasUse::AliasOnly(a(1)));
        // Full: "b" was used least recently, so "c" takes alias 2.
        assert_eq!(aliases.assign(&t("c")), AliasUse::Establish(a(2)));
        assert_eq!(aliases.topic_of(a(2)), Some("c"));
        assert_eq!(aliases.assign(&t("b")), AliasUse::Establish(a(1)));
        assert_eq!(aliases.assign(&t("c")), AliasUse::AliasOnly(a(2)));
    }

    #[test]
    fn outgoing_with_maximum_zero_never_aliases() {
        let mut aliases = OutgoingAliases::new(0);
        assert_eq!(aliases.assign(&t("a")), AliasUse::TopicOnly);
        assert_eq!(aliases.assign(&t("a")), AliasUse::TopicOnly);
    }

    #[test]
    fn explicit_mapping_replaces_both_directions() {
        let mut aliases = OutgoingAliases::new(5);
        aliases.set(&t("a"), a(3));
        aliases.set(&t("b"), a(3));
        assert_eq!(aliases.topic_of(a(3)), Some("b"));
        assert_eq!(aliases.assign(&t("b")), AliasUse::AliasOnly(a(3)));
        assert_eq!(aliases.assign(&t("a")), AliasUse::Establish(a(1)));
    }

    #[test]
    fn incoming_resolves_maps_and_refuses() {
        let mut aliases = IncomingAliases::new(10);
        assert_eq!(aliases.resolve(t("x/y"), Some(a(4))), Ok(t("x/y")));
        assert_eq!(aliases.resolve(TopicName::default(), Some(a(4))), Ok(t("x/y")));
        assert_eq!(
            aliases.resolve(TopicName::default(), Some(a(5))),
            Err(AliasError::Unknown { alias: 5 })
        );
        // [MQTT-3.3.2-10]: above the maximum we announced.
        assert_eq!(
            aliases.resolve(t("z"), Some(a(11))),
            Err(AliasError::AboveMaximum { alias: 11, maximum: 10 })
        );
    }
}
