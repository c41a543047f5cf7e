//! Bitsets over entry numbers. A filter is one bit per service, so a query ANDs its filters
//! 64 services at a time and only over the entries it can match.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub fn with_len(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
        }
    }

    pub fn assign(&mut self, i: u32, on: bool) {
        let w = (i >> 6) as usize;
        if w >= self.words.len() {
            if !on {
                return;
            }
            self.words.resize(w + 1, 0);
        }
        let bit = 1u64 << (i & 63);
        if on {
            self.words[w] |= bit;
        } else {
            self.words[w] &= !bit;
        }
    }

    pub fn set(&mut self, i: u32) {
        self.assign(i, true);
    }

    pub fn get(&self, i: u32) -> bool {
        self.word((i >> 6) as usize) & (1u64 << (i & 63)) != 0
    }

    /// Word `w` (bits `64w..64w+63`); zero past the end.
    #[inline]
    pub fn word(&self, w: usize) -> u64 {
        self.words.get(w).copied().unwrap_or(0)
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn and(&mut self, other: &Bits) {
        for (i, w) in self.words.iter_mut().enumerate() {
            *w &= other.word(i);
        }
    }

    /// The set bits, ascending.
    pub fn ones(&self) -> impl Iterator<Item = u32> + '_ {
        self.words
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| ones_of(word, w))
    }
}

/// The entry numbers of the set bits of word `w`.
#[inline]
pub(crate) fn ones_of(mut word: u64, w: usize) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        if word == 0 {
            return None;
        }
        let bit = word.trailing_zeros();
        word &= word - 1;
        Some((w as u32) << 6 | bit)
    })
}

/// The bits of word `w` that fall in `start..end`.
#[inline]
pub(crate) fn range_mask(w: usize, start: u32, end: u32) -> u64 {
    let lo = (w as u64) << 6;
    let from = u64::from(start).saturating_sub(lo).min(64);
    let to = u64::from(end).saturating_sub(lo).min(64);
    if to <= from {
        return 0;
    }
    let upper = if to == 64 { u64::MAX } else { (1u64 << to) - 1 };
    upper & !((1u64 << from) - 1)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn set_get_grow_and_iterate() {
        let mut b = Bits::with_len(10);
        b.set(3);
        b.set(200);
        b.assign(500, false);
        assert!(b.get(3) && b.get(200) && !b.get(4) && !b.get(500) && !b.get(10_000));
        assert_eq!(b.ones().collect::<Vec<_>>(), [3, 200]);
        b.assign(3, false);
        assert_eq!(b.count(), 1);
    }

    proptest! {
        #[test]
        fn range_masks_keep_exactly_the_range(start in 0u32..300, len in 0u32..300, w in 0usize..10) {
            let end = start + len;
            let mask = range_mask(w, start, end);
            for bit in 0..64u32 {
                let i = (w as u32) * 64 + bit;
                prop_assert_eq!(mask & (1 << bit) != 0, (start..end).contains(&i));
            }
        }

        #[test]
        fn and_matches_set_intersection(a in proptest::collection::btree_set(0u32..400, 0..60),
                             b in proptest::collection::btree_set(0u32..400, 0..60)) {
            let bits = |s: &std::collections::BTreeSet<u32>| {
                let mut x = Bits::with_len(0);
                for i in s { x.set(*i); }
                x
            };
            let mut and = bits(&a);
            and.and(&bits(&b));
            prop_assert_eq!(and.ones().collect::<Vec<_>>(), a.intersection(&b).copied().collect::<Vec<_>>());
        }
    }
}
