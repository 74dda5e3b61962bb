//! Topic names and topic filters (MQTT 5.0 section 4.7): validation on construction, matching
//! a name against a filter, and shared subscriptions.

use std::fmt;

use thiserror::Error;

use crate::codec::MAX_FIELD_LEN;

/// What is wrong with a topic name or filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TopicErrorKind {
    /// Topic names and filters are at least one character long [MQTT-4.7.3-1].
    Empty,
    /// Longer than 65,535 bytes of UTF-8 [MQTT-4.7.3-3].
    TooLong,
    /// Contains U+0000 [MQTT-4.7.3-2].
    ContainsNul,
    /// A topic name contains `+` or `#` [MQTT-3.3.2-2].
    WildcardInName,
    /// `#` is not alone in the last level [MQTT-4.7.1-1].
    MisplacedMultiLevelWildcard,
    /// `+` does not occupy a whole level [MQTT-4.7.1-2].
    MisplacedSingleLevelWildcard,
    /// A `$share/` group name is empty or contains `+`, `#` or `/` [MQTT-4.8.2-2].
    InvalidShareName,
    /// A shared subscription has no filter after its group [MQTT-4.8.2-1].
    EmptySharedFilter,
}

impl fmt::Display for TopicErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::TooLong => "it is longer than 65535 bytes",
            Self::ContainsNul => "it contains the null character U+0000",
            Self::WildcardInName => "a topic name cannot contain the wildcards '+' or '#'",
            Self::MisplacedMultiLevelWildcard => "'#' must be alone in the last level",
            Self::MisplacedSingleLevelWildcard => "'+' must occupy a whole level",
            Self::InvalidShareName => {
                "the share name after '$share/' must be non-empty and free of '+', '#' and '/'"
            }
            Self::EmptySharedFilter => "a shared subscription needs a topic filter after its group",
        })
    }
}

/// An invalid topic name or filter, naming the bad value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid topic {}: {kind}", crate::codec::Quoted(topic))]
pub struct TopicError {
    /// What is wrong.
    pub kind: TopicErrorKind,
    /// The topic (its first characters when it is long).
    pub topic: String,
}

impl TopicError {
    fn new(kind: TopicErrorKind, topic: &str) -> Self {
        Self { kind, topic: crate::codec::preview(topic) }
    }
}

/// Checks the rules names and filters share.
fn check_common(topic: &str) -> Result<(), TopicError> {
    let kind = if topic.is_empty() {
        TopicErrorKind::Empty
    } else if topic.len() > MAX_FIELD_LEN {
        TopicErrorKind::TooLong
    } else if topic.contains('\0') {
        TopicErrorKind::ContainsNul
    } else {
        return Ok(());
    };
    Err(TopicError::new(kind, topic))
}

/// A topic name: what a PUBLISH is sent to. Never contains wildcards.
///
/// The default value is the empty name that only an MQTT 5 PUBLISH carrying a topic alias may
/// have; [`TopicName::new`] never returns it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TopicName(String);

impl TopicName {
    /// Checks `name`: non-empty, at most 65,535 bytes, no U+0000, no `+` or `#`.
    pub fn new(name: impl Into<String>) -> Result<Self, TopicError> {
        let name = name.into();
        check_common(&name)?;
        if name.contains(['+', '#']) {
            return Err(TopicError::new(TopicErrorKind::WildcardInName, &name));
        }
        Ok(Self(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it starts with `$` (`$SYS/...`): such topics are the server's own, and
    /// wildcards at the first level do not match them [MQTT-4.7.2-1].
    pub fn is_system(&self) -> bool {
        self.0.starts_with('$')
    }
}

/// A topic filter: what a subscription matches. May contain `+` and `#`, and may be shared.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicFilter(String);

/// A shared subscription's parts: `$share/{group}/{filter}`, or `$queue/{filter}`, the older
/// form that stands for `$share/queue/{filter}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedSubscription<'a> {
    /// The share name (`queue` for `$queue/`).
    pub group: &'a str,
    /// The filter that is matched against topic names.
    pub filter: &'a str,
}

const SHARE_PREFIX: &str = "$share/";
const QUEUE_PREFIX: &str = "$queue/";
const QUEUE_GROUP: &str = "queue";

/// Splits a shared subscription's prefix off, or returns `None` for an ordinary filter.
fn split_shared(filter: &str) -> Option<Result<SharedSubscription<'_>, TopicErrorKind>> {
    if let Some(rest) = filter.strip_prefix(SHARE_PREFIX) {
        let Some((group, inner)) = rest.split_once('/') else {
            return Some(Err(if rest.is_empty() || rest.contains(['+', '#']) {
                TopicErrorKind::InvalidShareName
            } else {
                TopicErrorKind::EmptySharedFilter
            }));
        };
        if group.is_empty() || group.contains(['+', '#']) {
            return Some(Err(TopicErrorKind::InvalidShareName));
        }
        return Some(Ok(SharedSubscription { group, filter: inner }));
    }
    filter
        .strip_prefix(QUEUE_PREFIX)
        .map(|inner| Ok(SharedSubscription { group: QUEUE_GROUP, filter: inner }))
}

/// Checks wildcard placement in a (non-shared) filter.
fn check_wildcards(filter: &str) -> Result<(), TopicErrorKind> {
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err(TopicErrorKind::MisplacedMultiLevelWildcard);
        }
        if level.contains('+') && level != "+" {
            return Err(TopicErrorKind::MisplacedSingleLevelWildcard);
        }
    }
    Ok(())
}

impl TopicFilter {
    /// Checks `filter`: non-empty, at most 65,535 bytes, no U+0000, `#` only as the whole last
    /// level, `+` only as a whole level, and a valid `$share/{group}/` prefix if it has one.
    pub fn new(filter: impl Into<String>) -> Result<Self, TopicError> {
        let filter = filter.into();
        check_common(&filter)?;
        let inner = match split_shared(&filter) {
            Some(Ok(shared)) if shared.filter.is_empty() => {
                return Err(TopicError::new(TopicErrorKind::EmptySharedFilter, &filter))
            }
            Some(Ok(shared)) => shared.filter,
            Some(Err(kind)) => return Err(TopicError::new(kind, &filter)),
            None => &filter,
        };
        check_wildcards(inner).map_err(|kind| TopicError::new(kind, &filter))?;
        Ok(Self(filter))
    }

    /// The filter, with any shared prefix.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its group and inner filter, if it is a shared subscription.
    pub fn shared(&self) -> Option<SharedSubscription<'_>> {
        split_shared(&self.0).and_then(Result::ok)
    }

    /// The filter that topic names are matched against: without a shared prefix.
    pub fn match_filter(&self) -> &str {
        self.shared().map_or(&self.0, |s| s.filter)
    }

    /// Whether it contains `+` or `#`.
    pub fn has_wildcards(&self) -> bool {
        self.match_filter().contains(['+', '#'])
    }

    /// Whether `name` matches this filter (a shared filter matches as its inner filter).
    ///
    /// `#` matches its parent level too (`sensor/#` matches `sensor`), `+` exactly one level,
    /// and a wildcard at the first level never matches a `$` topic [MQTT-4.7.2-1].
    pub fn matches(&self, name: &TopicName) -> bool {
        let filter = self.match_filter();
        if name.is_system() && filter.starts_with(['+', '#']) {
            return false;
        }
        let mut filter_levels = filter.split('/');
        let mut name_levels = name.as_str().split('/');
        loop {
            match (filter_levels.next(), name_levels.next()) {
                (Some("#"), _) => return true,
                (Some("+"), Some(_)) => {}
                (Some(f), Some(n)) if f == n => {}
                (None, None) => return true,
                _ => return false,
            }
        }
    }
}

macro_rules! string_like {
    ($ty:ident) => {
        impl std::ops::Deref for $ty {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = TopicError;

            fn try_from(s: &str) -> Result<Self, TopicError> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = TopicError;

            fn try_from(s: String) -> Result<Self, TopicError> {
                Self::new(s)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = TopicError;

            fn from_str(s: &str) -> Result<Self, TopicError> {
                Self::new(s)
            }
        }
    };
}

string_like!(TopicName);
string_like!(TopicFilter);
