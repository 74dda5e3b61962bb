//! The hash map the client uses for its own tables (in-flight messages by packet id, topic
//! aliases, the topic cache): std's `HashMap` with a multiply-rotate hasher in place of the
//! default SipHash. The keys are packet ids and topics the application chose or the connected
//! server sent, so hash flooding is no concern, and SipHash's code and seeding are bytes in
//! every page that loads the package.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` hashed with [`MixHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, MixState>;

/// What builds a [`MixHasher`]; `MixState::default().hash_one(key)` hashes one key.
pub(crate) type MixState = BuildHasherDefault<MixHasher>;

/// A word-at-a-time multiply-rotate hasher (the FxHash scheme used inside rustc).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct MixHasher(u64);

/// An odd constant with well-spread bits (from the golden ratio).
const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

impl MixHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(MIX);
    }
}

impl Hasher for MixHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut tail = [0; 8];
        let rest = chunks.remainder();
        for (to, from) in tail.iter_mut().zip(rest) {
            *to = *from;
        }
        // The length keeps "a\0" and "a" apart.
        self.add(u64::from_le_bytes(tail) ^ ((rest.len() as u64) << 56));
    }

    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn finish(&self) -> u64 {
        // hashbrown takes its control byte from the top bits and the bucket from the low ones:
        // one more mix spreads both.
        self.0 ^ (self.0 >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(bytes: &[u8]) -> u64 {
        BuildHasherDefault::<MixHasher>::default().hash_one(bytes)
    }

    #[test]
    fn different_keys_hash_apart() {
        let keys: [&[u8]; 6] =
            [b"", b"a", b"a\0", b"sensor/1", b"sensor/2", b"sensor/1/temperature"];
        let hashes: std::collections::BTreeSet<u64> = keys.iter().map(|k| hash(k)).collect();
        assert_eq!(hashes.len(), keys.len());
    }

    #[test]
    fn works_as_a_map() {
        let mut map: FastMap<u16, u16> = FastMap::default();
        for id in 1..=1000u16 {
            map.insert(id, id * 2);
        }
        assert_eq!(map.len(), 1000);
        assert!((1..=1000u16).all(|id| map.get(&id) == Some(&(id * 2))));
    }
}
