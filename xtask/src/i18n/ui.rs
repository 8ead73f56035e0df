//! The phrases the book's own renderers add to a page (around an exercise's code, in a
//! claim's note) and the words of a starter's README. They are messages like any other: `cargo xtask translate` puts them in
//! `po/messages.pot`, with this file as their source.

use super::extract::Message;

/// Every phrase; [`super::Tr::ui`] accepts no other.
pub const PHRASES: &[&str] = &[
    crate::render::exercises::PASSES,
    crate::render::exercises::SOLUTION,
    crate::claims::OTHERWISE,
    crate::starter::README_INTRO,
    crate::starter::README_RUN,
    crate::starter::README_EXAMPLES,
    crate::starter::README_EXERCISES,
    crate::starter::README_TO_SOLVE,
    crate::starter::README_SOLVED,
];

/// Every phrase a renderer asks [`super::Tr::ui`] for.
pub fn all() -> impl Iterator<Item = &'static str> {
    PHRASES
        .iter()
        .chain(crate::render::fragment::words::ALL)
        .chain(crate::render::plot::words::ALL)
        .chain(crate::render::ladder::words::ALL)
        .copied()
}

/// The phrases as messages, named by the file that defines them.
pub fn messages() -> Vec<Message> {
    let fragment = crate::render::fragment::words::ALL;
    PHRASES
        .iter()
        .enumerate()
        .map(|(i, p)| ("xtask/src/i18n/ui.rs", 9 + i, *p))
        .chain(
            fragment
                .iter()
                .enumerate()
                .map(|(i, p)| ("xtask/src/render/fragment.rs", 19 + i, *p)),
        )
        .chain(
            crate::render::plot::words::ALL
                .iter()
                .map(|p| ("xtask/src/render/plot.rs", 1, *p)),
        )
        .chain(
            crate::render::ladder::words::ALL
                .iter()
                .map(|p| ("xtask/src/render/ladder.rs", 1, *p)),
        )
        .map(|(file, line, p)| Message {
            file: file.to_owned(),
            line,
            msgid: p.to_owned(),
        })
        .collect()
}
