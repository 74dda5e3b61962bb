//! Topic aliases (MQTT 5.0 section 3.3.2.3.4). Both tables belong to one connection and die
//! with it [MQTT-3.3.2-7], so a resend on a new connection always carries the full topic.

use crate::fast_map::FastMap;
use std::num::NonZeroU16;

use crate::topic::TopicName;

/// Our side: topic → alias, within the server's Topic Alias Maximum, replacing the least
/// recently used mapping when full.
#[derive(Debug, Default)]
pub(crate) struct OutgoingAliases {
    maximum: u16,
    by_topic: FastMap<String, NonZeroU16>,
    /// Per alias (index = alias − 1): its topic and when it was last used. Finding the least
    /// recently used is a scan, done only when every alias is taken.
    slots: Vec<Option<(String, u64)>>,
    clock: u64,
    /// Aliases below this have been handed out once; above it all are fresh.
    next_fresh: usize,
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

fn alias_of(index: usize) -> Option<NonZeroU16> {
    u16::try_from(index + 1).ok().and_then(NonZeroU16::new)
}

impl OutgoingAliases {
    pub(crate) fn new(maximum: u16) -> Self {
        Self { maximum, ..Self::default() }
    }

    fn slot(&mut self, alias: NonZeroU16) -> Option<&mut Option<(String, u64)>> {
        let index = usize::from(alias.get() - 1);
        if index >= self.slots.len() {
            self.slots.resize_with(index + 1, || None);
        }
        self.slots.get_mut(index)
    }

    /// Maps `alias` to `topic`, dropping whatever either was mapped to before.
    fn map(&mut self, topic: &str, alias: NonZeroU16) {
        self.clock += 1;
        let clock = self.clock;
        if let Some(old) = self.by_topic.insert(topic.to_owned(), alias) {
            if old != alias {
                if let Some(slot) = self.slot(old) {
                    *slot = None;
                }
            }
        }
        let previous = self.slot(alias).and_then(|slot| slot.replace((topic.to_owned(), clock)));
        if let Some((old_topic, _)) = previous.filter(|(t, _)| t != topic) {
            self.by_topic.remove(&old_topic);
        }
    }

    /// Chooses how to send `topic`, assigning an alias automatically.
    pub(crate) fn assign(&mut self, topic: &TopicName) -> AliasUse {
        if self.maximum == 0 {
            return AliasUse::TopicOnly;
        }
        if let Some(&alias) = self.by_topic.get(topic.as_str()) {
            self.clock += 1;
            let clock = self.clock;
            if let Some(Some((_, used))) = self.slot(alias) {
                *used = clock;
            }
            return AliasUse::AliasOnly(alias);
        }
        let limit = usize::from(self.maximum);
        // Fresh aliases first, counting up and skipping any the user mapped explicitly.
        while self.next_fresh < limit
            && self.slots.get(self.next_fresh).is_some_and(Option::is_some)
        {
            self.next_fresh += 1;
        }
        let index = if self.next_fresh < limit {
            self.next_fresh += 1;
            Some(self.next_fresh - 1)
        } else {
            // All handed out: a forgotten one, else the least recently used.
            self.slots
                .iter()
                .take(limit)
                .enumerate()
                .map(|(i, s)| (s.as_ref().map_or(0, |(_, used)| *used), i))
                .min()
                .map(|(_, i)| i)
        };
        let Some(alias) = index.and_then(alias_of) else { return AliasUse::TopicOnly };
        self.map(topic, alias);
        AliasUse::Establish(alias)
    }

    /// Records a mapping the user chose explicitly (topic and alias both sent).
    pub(crate) fn set(&mut self, topic: &TopicName, alias: NonZeroU16) {
        self.map(topic, alias);
    }

    /// Forgets `alias`: the PUBLISH that was to establish it was never sent, so the server
    /// does not have this mapping. The alias will be established afresh when used again.
    pub(crate) fn forget(&mut self, alias: NonZeroU16) {
        if let Some(Some((topic, _))) = self.slot(alias).map(Option::take) {
            self.by_topic.remove(&topic);
        }
    }

    /// The alias `topic` is mapped to on this connection, if any.
    pub(crate) fn alias_for(&self, topic: &str) -> Option<NonZeroU16> {
        self.by_topic.get(topic).copied()
    }

    /// The topic an alias stands for on this connection.
    pub(crate) fn topic_of(&self, alias: NonZeroU16) -> Option<&str> {
        self.slots
            .get(usize::from(alias.get() - 1))
            .and_then(|s| s.as_ref())
            .map(|(t, _)| t.as_str())
    }
}

/// The server's side: alias → topic, within the Topic Alias Maximum we announced.
#[derive(Debug, Default)]
pub(crate) struct IncomingAliases {
    maximum: u16,
    /// Index = alias − 1.
    topics: Vec<Option<TopicName>>,
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
        Self { maximum, topics: Vec::new() }
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
        let index = usize::from(alias.get() - 1);
        if topic.is_empty() {
            return self
                .topics
                .get(index)
                .cloned()
                .flatten()
                .ok_or(AliasError::Unknown { alias: alias.get() });
        }
        if index >= self.topics.len() {
            self.topics.resize(index + 1, None);
        }
        if let Some(slot) = self.topics.get_mut(index) {
            *slot = Some(topic.clone());
        }
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
