//! Exercise: Split the keys across hosts, for good (hard)
//!
//! Write `owner`: which of `hosts` owns `key`. Every process of a cluster computes it on its
//! own, so all of them must agree without talking, and the split must survive a change of
//! the cluster: when a host joins, only the keys it takes over move; when a host leaves,
//! only its own keys move.
//!
//! The chapter's `dataflow::owner` deals blocks round robin, `block % peers`: fine
//! for one run with a fixed set of workers, but going from 4 to 5 workers gives most blocks
//! a new owner. On machines that keep data on their disks, every moved key is data to copy.
//!
//! Use *rendezvous hashing* (also called highest random weight): every host gives the key a
//! score, `score(host, key)`, and the host with the highest score owns it. On equal
//! scores, the host whose name sorts first wins, so the order of the host list never
//! matters. Why it works: the scores of a key on the other hosts do not change when a host
//! joins or leaves, so a key changes owner only if the new host outscores the old winner
//! (on joining), or if its owner left.
//!
//! A correct answer:
//! - gives every key one owner from `hosts` (and `None` when `hosts` is empty), the same
//!   whatever the order of `hosts`;
//! - spreads keys about evenly: each of 4 hosts gets about a quarter;
//! - when a fifth host joins, moves about a fifth of the keys, every one of them to the new
//!   host; when a host leaves, moves only the keys it owned.

/// The score of `key` on `host`: the same on every machine and in every run, spread evenly
/// over all `u64` values (FNV-1a over the name and the key, then a final mixing step).
pub fn score(host: &str, key: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in host.bytes().chain(key.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // SplitMix64's finaliser: inputs that differ in one bit get unrelated scores.
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// The host of `hosts` that owns `key`: the highest [`score`], the name that sorts first on
/// equal scores; `None` without hosts.
pub fn owner<'h>(key: u64, hosts: &[&'h str]) -> Option<&'h str> {
    // solution: begin
    hosts.iter().copied().max_by(|a, b| {
        score(a, key).cmp(&score(b, key)).then_with(|| b.cmp(a)) // equal scores: the name that sorts first is "larger"
    })
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: u64 = 20_000;
    const FOUR: [&str; 4] = ["node-a:2101", "node-b:2101", "node-c:2101", "node-d:2101"];

    fn owners(hosts: &[&'static str]) -> Vec<&'static str> {
        (0..KEYS)
            .map(|key| owner(key, hosts).expect("there are hosts"))
            .collect()
    }

    /// The share of keys whose owner differs between `before` and `after`.
    fn moved<T: PartialEq>(before: &[T], after: &[T]) -> f64 {
        let moved = before.iter().zip(after).filter(|(b, a)| b != a).count();
        moved as f64 / before.len() as f64
    }

    #[test]
    fn one_owner_from_the_list_whatever_its_order() {
        let first = owners(&FOUR);
        assert!(first.iter().all(|host| FOUR.contains(host)));
        let mut reversed = FOUR;
        reversed.reverse();
        assert_eq!(owners(&reversed), first);
        assert_eq!(
            owners(&["node-c:2101", "node-a:2101", "node-d:2101", "node-b:2101"]),
            first
        );
        assert_eq!(owner(7, &[]), None);
        assert_eq!(owner(7, &["alone:1"]), Some("alone:1"));
    }

    #[test]
    fn each_host_gets_about_a_quarter() {
        let first = owners(&FOUR);
        for host in FOUR {
            let share = first.iter().filter(|&&h| h == host).count() as f64 / KEYS as f64;
            assert!((0.2..0.3).contains(&share), "{host} owns {share:.3}");
        }
    }

    #[test]
    fn a_new_host_takes_about_a_fifth_and_nothing_else_moves() {
        let before = owners(&FOUR);
        let five = [FOUR[0], FOUR[1], FOUR[2], FOUR[3], "node-e:2101"];
        let after = owners(&five);
        for (key, (b, a)) in before.iter().zip(&after).enumerate() {
            assert!(
                a == b || *a == "node-e:2101",
                "key {key} moved from {b} to {a}"
            );
        }
        let share = moved(&before, &after);
        assert!(
            (0.15..0.25).contains(&share),
            "{share:.3} of the keys moved"
        );
        // Round robin over blocks, the chapter's split, moves far more.
        let round_robin = |peers| {
            (0..KEYS)
                .map(|key| crate::dataflow::owner(key, peers))
                .collect::<Vec<_>>()
        };
        assert!(moved(&round_robin(4), &round_robin(5)) > 0.5);
    }

    #[test]
    fn a_host_that_leaves_gives_away_only_its_own_keys() {
        let before = owners(&FOUR);
        let three = [FOUR[0], FOUR[1], FOUR[3]];
        let after = owners(&three);
        for (key, (b, a)) in before.iter().zip(&after).enumerate() {
            if *b != "node-c:2101" {
                assert_eq!(a, b, "key {key} moved although its host stayed");
            }
        }
    }
}
