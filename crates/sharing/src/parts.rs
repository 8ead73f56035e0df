//! `AcqRel`: workers each deliver one part of a result, and whichever delivers last adds the
//! parts up. That last worker must *see* the others' parts (Acquire) and must publish its own
//! to whoever comes after it (Release): one `fetch_sub` does both.

use crate::sync::{AtomicU64, Ordering};

// ANCHOR: parts
/// `parts` slots, one per worker, and the count of parts still missing.
#[derive(Debug)]
pub struct Parts {
    slots: Vec<AtomicU64>,
    missing: AtomicU64,
}

impl Parts {
    pub fn new(parts: usize) -> Parts {
        Parts {
            slots: (0..parts).map(|_| AtomicU64::new(0)).collect(),
            missing: AtomicU64::new(parts as u64),
        }
    }

    /// Stores part `index`; the worker whose part was the last one missing gets the total.
    pub fn deliver(&self, index: usize, value: u64) -> Option<u64> {
        self.slots[index].store(value, Ordering::Relaxed);
        // Release: our part is published with this decrement. Acquire: if we are last, every
        // earlier decrement (and the part stored before it) is visible to us.
        if self.missing.fetch_sub(1, Ordering::AcqRel) == 1 {
            Some(self.slots.iter().map(|s| s.load(Ordering::Relaxed)).sum())
        } else {
            None
        }
    }
}
// ANCHOR_END: parts

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_delivery_gets_the_total() {
        let parts = Parts::new(3);
        assert_eq!(parts.deliver(0, 1), None);
        assert_eq!(parts.deliver(2, 30), None);
        assert_eq!(parts.deliver(1, 200), Some(231));
    }

    #[test]
    fn exactly_one_of_many_threads_gets_the_whole_total() {
        let parts = Parts::new(8);
        let totals: Vec<Option<u64>> = std::thread::scope(|scope| {
            let parts = &parts;
            let handles: Vec<_> = (0..8)
                .map(|i| scope.spawn(move || parts.deliver(i, 1 << i)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let got: Vec<u64> = totals.into_iter().flatten().collect();
        assert_eq!(got, [255]);
    }
}
