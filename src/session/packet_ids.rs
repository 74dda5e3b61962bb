//! Packet identifiers: allocated so that none is reused while its exchange is in flight
//! [MQTT-2.2.1-3].

use crate::codec::PacketId;

/// Hands out packet identifiers 1..=65535 in rotation, skipping those still in use.
///
/// A bitset of the ids makes allocation and release O(1) in the common case. It grows to
/// cover the highest id used (8 KiB once ids have gone round), so a session that has sent
/// little, or a client kept after `end`, costs a few bytes instead.
#[derive(Debug, Clone)]
pub(crate) struct PacketIds {
    in_use: Vec<u64>,
    next: u16,
    count: usize,
}

impl Default for PacketIds {
    fn default() -> Self {
        Self { in_use: Vec::new(), next: 1, count: 0 }
    }
}

impl PacketIds {
    fn slot(id: u16) -> (usize, u64) {
        (usize::from(id / 64), 1u64 << (id % 64))
    }

    /// Whether `id` is in use.
    pub(crate) fn contains(&self, id: PacketId) -> bool {
        let (word, bit) = Self::slot(id.get());
        self.in_use.get(word).is_some_and(|w| w & bit != 0)
    }

    /// How many ids are in use.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// A free id, now marked in use; `None` when all 65,535 are in flight.
    pub(crate) fn allocate(&mut self) -> Option<PacketId> {
        if self.count >= usize::from(u16::MAX) {
            return None;
        }
        loop {
            let candidate = PacketId::new(self.next);
            self.next = self.next.checked_add(1).unwrap_or(1);
            if let Some(id) = candidate.filter(|&id| !self.contains(id)) {
                self.mark(id);
                return Some(id);
            }
        }
    }

    /// Marks `id` in use (for ids restored from a stored session).
    pub(crate) fn mark(&mut self, id: PacketId) {
        let (word, bit) = Self::slot(id.get());
        if self.in_use.len() <= word {
            self.in_use.resize(word + 1, 0);
        }
        if let Some(w) = self.in_use.get_mut(word) {
            if *w & bit == 0 {
                *w |= bit;
                self.count += 1;
            }
        }
    }

    /// The ids in use, ascending.
    pub(crate) fn ids(&self) -> impl Iterator<Item = u16> + '_ {
        self.in_use.iter().enumerate().flat_map(|(word, &bits)| {
            (0..64u16).filter(move |b| bits & (1 << b) != 0).map(move |b| word as u16 * 64 + b)
        })
    }

    /// Frees `id`.
    pub(crate) fn release(&mut self, id: PacketId) {
        let (word, bit) = Self::slot(id.get());
        if let Some(w) = self.in_use.get_mut(word) {
            if *w & bit != 0 {
                *w &= !bit;
                self.count -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_flight_are_never_handed_out_again() {
        let mut ids = PacketIds::default();
        let first = ids.allocate().unwrap();
        assert_eq!(first.get(), 1);
        // Run the whole range: every id but `first` once.
        let mut seen = std::collections::HashSet::new();
        for _ in 1..u16::MAX {
            let id = ids.allocate().unwrap();
            assert_ne!(id, first);
            assert!(seen.insert(id), "{id} handed out twice while in flight");
        }
        assert_eq!(ids.allocate(), None, "all 65535 in flight");
        ids.release(PacketId::new(777).unwrap());
        assert_eq!(ids.allocate().map(|id| id.get()), Some(777));
        assert_eq!(ids.len(), 65_535);
        assert_eq!(ids.in_use.len(), 1024, "all of the bitset once ids went round");
        assert_eq!(PacketIds::default().in_use.capacity(), 0, "nothing before the first id");
    }

    #[test]
    fn release_is_idempotent_and_rotation_wraps_past_65535() {
        let mut ids = PacketIds::default();
        let a = ids.allocate().unwrap();
        ids.release(a);
        ids.release(a);
        assert_eq!(ids.len(), 0);
        ids.next = u16::MAX;
        assert_eq!(ids.allocate().map(|id| id.get()), Some(u16::MAX));
        assert_eq!(ids.allocate().map(|id| id.get()), Some(1));
    }
}
