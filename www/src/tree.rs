//! The topic tree (MQTT Explorer style): every topic seen on a connection, split at `/`, with
//! message counts, the last value and the retained value.

use std::collections::BTreeMap;

/// One level of the tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicNode {
    /// Messages on this exact topic.
    pub own: u64,
    /// Messages on this topic and every topic below it.
    pub total: u64,
    /// The last payload on this exact topic.
    pub last: Option<Vec<u8>>,
    /// The retained payload the broker last gave for this topic (cleared by an empty one).
    pub retained: Option<Vec<u8>>,
    /// The levels below, by name, in order.
    pub children: BTreeMap<String, TopicNode>,
}

/// The tree of a connection's topics, rooted at the empty name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicTree {
    root: TopicNode,
    topics: usize,
}

/// How many distinct topics a tree keeps before it stops adding new ones (a flood of unique
/// topics must not exhaust the page's memory); counts still grow.
pub const MAX_TOPICS: usize = 50_000;

impl TopicTree {
    /// Records a message on `topic`.
    pub fn record(&mut self, topic: &str, payload: &[u8], retained: bool) {
        let mut node = &mut self.root;
        node.total += 1;
        for level in topic.split('/') {
            if !node.children.contains_key(level) {
                if self.topics >= MAX_TOPICS {
                    return;
                }
                node.children.insert(level.to_owned(), TopicNode::default());
            }
            let Some(next) = node.children.get_mut(level) else { return };
            node = next;
            node.total += 1;
        }
        if node.own == 0 {
            self.topics += 1;
        }
        node.own += 1;
        node.last = Some(payload.to_vec());
        if retained {
            node.retained = (!payload.is_empty()).then(|| payload.to_vec());
        }
    }

    /// The top level.
    pub fn root(&self) -> &TopicNode {
        &self.root
    }

    /// Distinct topics with at least one message.
    pub fn topic_count(&self) -> usize {
        self.topics
    }

    /// The node of `topic`, if seen.
    pub fn find(&self, topic: &str) -> Option<&TopicNode> {
        topic.split('/').try_fold(&self.root, |node, level| node.children.get(level))
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}
