//! The lesson's eight ways of building a collection of the numbers 0..100, ported one by
//! one, and the variants a Rust programmer reaches for next.
//!
//! Every builder makes the numbers `0..100` (as `u32`) and hands its collection back, so the
//! caller decides when it is dropped. The Python versions return nothing and their collection
//! is freed when the function returns; a benchmark that drops the result inside the timed
//! loop (as criterion's `iter` does) measures the same thing.

use std::collections::HashSet;

use rustc_hash::FxHashSet;

/// How many numbers every builder makes: the lesson's `range(100)`.
pub const N: u32 = 100;

// ANCHOR: lesson
/// `set(range(100))`: a hash set straight from the range.
pub fn set() -> HashSet<u32> {
    HashSet::from_iter(0..N)
}

/// `list(range(100))`: a vector straight from the range.
pub fn list() -> Vec<u32> {
    Vec::from_iter(0..N)
}

/// `tuple(range(100))`: a fixed-length, immutable sequence on the heap, like a Python tuple.
pub fn tuple() -> Box<[u32]> {
    (0..N).collect()
}

/// `str(range(100))`: the range's own text form. Python gives `'range(0, 100)'`, Rust's
/// `Debug` gives `"0..100"`; neither lists the numbers.
pub fn string() -> String {
    format!("{:?}", 0..N)
}

/// `s = set()` then `s.add(i)` in a loop.
pub fn set_add() -> HashSet<u32> {
    let mut s = HashSet::new();
    for i in 0..N {
        s.insert(i);
    }
    s
}

/// `l = []` then `l.append(i)` in a loop.
pub fn list_append() -> Vec<u32> {
    let mut l = Vec::new();
    for i in 0..N {
        l.push(i);
    }
    l
}

/// `{i for i in range(100)}`: an iterator pipeline collected into a set.
#[expect(clippy::map_identity, reason = "mirrors the comprehension's `i for i`")]
pub fn set_comprehension() -> HashSet<u32> {
    (0..N).map(|i| i).collect()
}

/// `[i for i in range(100)]`: an iterator pipeline collected into a vector.
#[expect(clippy::map_identity, reason = "mirrors the comprehension's `i for i`")]
pub fn list_comprehension() -> Vec<u32> {
    (0..N).map(|i| i).collect()
}
// ANCHOR_END: lesson

// ANCHOR: variants
/// The push loop, but with all the room reserved up front.
pub fn list_with_capacity() -> Vec<u32> {
    let mut l = Vec::with_capacity(N as usize);
    for i in 0..N {
        l.push(i);
    }
    l
}

/// The insert loop, but with all the room reserved up front.
pub fn set_with_capacity() -> HashSet<u32> {
    let mut s = HashSet::with_capacity(N as usize);
    for i in 0..N {
        s.insert(i);
    }
    s
}

/// `set` with FxHash, rustc's fast hasher, instead of the default SipHash-1-3. FxHash has
/// no random seed, so it gives up the default's defence against crafted colliding keys.
pub fn set_fxhash() -> FxHashSet<u32> {
    FxHashSet::from_iter(0..N)
}

/// A plain array: fixed length known at compile time, no heap allocation at all.
pub fn array() -> [u32; N as usize] {
    std::array::from_fn(|i| i as u32)
}
// ANCHOR_END: variants

/// What a builder made, in one type so that every builder fits one table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "boxing the array would give it the heap allocation it is here to avoid"
)]
pub enum Built {
    Set(HashSet<u32>),
    FxSet(FxHashSet<u32>),
    List(Vec<u32>),
    Tuple(Box<[u32]>),
    Array([u32; N as usize]),
    Text(String),
}

impl Built {
    /// The numbers it holds, sorted (a string holds none).
    pub fn numbers(&self) -> Vec<u32> {
        let mut v: Vec<u32> = match self {
            Built::Set(s) => s.iter().copied().collect(),
            Built::FxSet(s) => s.iter().copied().collect(),
            Built::List(l) => l.clone(),
            Built::Tuple(t) => t.to_vec(),
            Built::Array(a) => a.to_vec(),
            Built::Text(_) => Vec::new(),
        };
        v.sort_unstable();
        v
    }
}

/// One row of the table: a name, the Python it ports (if it is one of the lesson's eight),
/// and the function, in two forms.
#[derive(Debug, Clone, Copy)]
pub struct Builder {
    /// The name the lesson prints (and the Python twin uses).
    pub name: &'static str,
    /// The lesson's Python expression, for the eight ported builders.
    pub python: Option<&'static str>,
    /// For timing: builds the collection, hands it to `black_box` as its own type, drops it.
    /// (Returning a [`Built`] instead would add the copy of a 408-byte enum to every call.)
    pub run: fn(),
    /// For inspecting: builds the collection and returns it.
    pub build: fn() -> Built,
}

/// One row; the macro names the function once, so `run` and `build` cannot disagree.
macro_rules! row {
    ($name:literal, $python:expr, $function:ident => $kind:ident) => {
        Builder {
            name: $name,
            python: $python,
            run: || {
                std::hint::black_box($function());
            },
            build: || Built::$kind($function()),
        }
    };
}

// ANCHOR: table
/// Every builder, the lesson's eight first. A name and its function sit in the same row,
/// so the lesson's slip (timing `f5`/`f6` again under the labels of `f7`/`f8`) cannot
/// happen here.
pub const BUILDERS: [Builder; 12] = [
    row!("set", Some("set(range(100))"), set => Set),
    row!("list", Some("list(range(100))"), list => List),
    row!("tuple", Some("tuple(range(100))"), tuple => Tuple),
    row!("string", Some("str(range(100))"), string => Text),
    row!("set_add", Some("s.add(i) in a loop"), set_add => Set),
    row!("list_append", Some("l.append(i) in a loop"), list_append => List),
    row!("set_comprehension", Some("{i for i in range(100)}"), set_comprehension => Set),
    row!("list_comprehension", Some("[i for i in range(100)]"), list_comprehension => List),
    row!("list_with_capacity", None, list_with_capacity => List),
    row!("set_with_capacity", None, set_with_capacity => Set),
    row!("set_fxhash", None, set_fxhash => FxSet),
    row!("array", None, array => Array),
];
// ANCHOR_END: table

/// The lesson's eight builders (those with a Python original), in the lesson's order.
pub fn lesson() -> impl Iterator<Item = &'static Builder> {
    BUILDERS.iter().filter(|b| b.python.is_some())
}

/// Looks a builder up by name.
pub fn find(name: &str) -> Option<&'static Builder> {
    BUILDERS.iter().find(|b| b.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_collection_holds_0_to_99() {
        let expected: Vec<u32> = (0..N).collect();
        for b in &BUILDERS {
            let built = (b.build)();
            match &built {
                Built::Text(s) => assert_eq!(s, "0..100", "{}", b.name),
                _ => assert_eq!(built.numbers(), expected, "{}", b.name),
            }
        }
    }

    #[test]
    fn run_builds_and_drops() {
        for b in &BUILDERS {
            (b.run)();
        }
    }

    #[test]
    fn names_are_unique_and_the_lesson_has_eight() {
        let mut names: Vec<_> = BUILDERS.iter().map(|b| b.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), BUILDERS.len());
        let lesson: Vec<_> = lesson().map(|b| b.name).collect();
        assert_eq!(
            lesson,
            [
                "set",
                "list",
                "tuple",
                "string",
                "set_add",
                "list_append",
                "set_comprehension",
                "list_comprehension"
            ]
        );
        assert!(find("set_fxhash").is_some());
        assert!(find("nope").is_none());
    }
}
