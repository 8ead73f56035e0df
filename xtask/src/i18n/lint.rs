//! The check of a translation, message by message, against the English sources as they are
//! now: every message has a finished translation (none missing, none fuzzy, none left from
//! English that is gone), and every translation keeps what the build and the checker rely
//! on: each `{{#...}}` placeholder, link target, inline code span and HTML tag, and the
//! paragraph breaks. Console blocks are never messages (`extract.rs`), so a translated page
//! shows the English page's verified output, byte for byte.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::LazyLock;

use anyhow::Result;
use pulldown_cmark::{Event, Options, Parser, Tag};
use regex::Regex;

use super::{Message, catalog};
use crate::book::Book;
use crate::problem::Problem;

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\{\{#.*?\}\}").expect("valid regex"));
/// `{name}` in a phrase the xtask fills in (`render::fragment::words`, `starter`).
static FILLED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{[a-z_]+\}").expect("valid regex"));

const MERGE: &str = "run `cargo xtask translate`, which merges the English into every po/LANG.po";

/// Every problem of `po/LANG.po` (and of `po/messages.pot`) against `messages`, the English
/// sources' messages as they are now.
pub fn lint(book: &Book, lang: &str, messages: &[Message]) -> Result<Vec<Problem>> {
    let dir = catalog::po_dir(book.root());
    let mut problems = stale_template(book, &dir.join("messages.pot"), messages)?;
    let po_path = dir.join(format!("{lang}.po"));
    let shown = book.display(&po_path);
    if !po_path.is_file() {
        return Ok(vec![Problem::in_file(shown, "is missing").fix(MERGE)]);
    }
    let po = catalog::load(&po_path)?;
    let lines = msgid_lines(&std::fs::read_to_string(&po_path)?);
    let mut english: BTreeMap<&str, &Message> = BTreeMap::new();
    for m in messages {
        english.entry(m.msgid.as_str()).or_insert(m);
    }
    let mut in_po = HashMap::new();
    for entry in po.messages() {
        let msgid = entry.msgid();
        let line = lines.get(msgid).copied().unwrap_or(0);
        in_po.insert(msgid.to_owned(), ());
        let at = |what: String| Problem::at(&shown, line, what);
        let Some(source) = english.get(msgid) else {
            problems.push(
                at(format!(
                    "\"{}\" is no longer in the English sources",
                    short(msgid)
                ))
                .fix(MERGE),
            );
            continue;
        };
        let from = format!("{}:{}", source.file, source.line);
        let msgstr = entry.msgstr().unwrap_or_default();
        if msgstr.trim().is_empty() {
            problems.push(at(format!("untranslated: \"{}\" ({from})", short(msgid))));
            continue;
        }
        if entry.flags().is_fuzzy() {
            problems.push(
                at(format!("fuzzy: the English of {from} changed since this was translated"))
                    .fix("revisit the translation against the new English, then delete its `#, fuzzy` line"),
            );
        }
        for (kind, missing, extra) in differences(msgid, msgstr) {
            let mut what = format!("the translation does not keep the English {kind} ({from})");
            if !missing.is_empty() {
                what.push_str(&format!(": missing {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                what.push_str(&format!(": added {}", extra.join(", ")));
            }
            problems.push(at(what));
        }
    }
    for m in english.values() {
        if !in_po.contains_key(m.msgid.as_str()) {
            problems.push(
                Problem::at(
                    &m.file,
                    m.line,
                    format!(
                        "\"{}\" is new or changed, and {shown} has no translation of it",
                        short(&m.msgid)
                    ),
                )
                .fix(format!("{MERGE}, then translate it")),
            );
        }
    }
    Ok(problems)
}

/// `po/messages.pot` must hold exactly the messages the sources give now.
fn stale_template(book: &Book, pot: &Path, messages: &[Message]) -> Result<Vec<Problem>> {
    let shown = book.display(pot);
    if !pot.is_file() {
        return Ok(vec![Problem::in_file(shown, "is missing").fix(MERGE)]);
    }
    let have: std::collections::BTreeSet<String> = catalog::load(pot)?
        .messages()
        .map(|m| m.msgid().to_owned())
        .collect();
    let want: std::collections::BTreeSet<String> =
        messages.iter().map(|m| m.msgid.clone()).collect();
    if have == want {
        return Ok(Vec::new());
    }
    let changed = want.symmetric_difference(&have).count();
    Ok(vec![
        Problem::in_file(
            shown,
            format!("is not what the English sources give ({changed} messages differ)"),
        )
        .fix(MERGE),
    ])
}

/// What a translation must keep from its English: for each kind, what is missing and what
/// was added (empty when the two agree).
pub fn differences(
    english: &str,
    translated: &str,
) -> Vec<(&'static str, Vec<String>, Vec<String>)> {
    let (a, b) = (Kept::of(english), Kept::of(translated));
    let mut out = Vec::new();
    for (kind, x, y) in [
        ("placeholders", &a.placeholders, &b.placeholders),
        ("inline code", &a.code, &b.code),
        ("link targets", &a.links, &b.links),
        ("HTML", &a.html, &b.html),
    ] {
        let (missing, extra) = multiset_difference(x, y);
        if !missing.is_empty() || !extra.is_empty() {
            out.push((kind, missing, extra));
        }
    }
    if a.emphasis != b.emphasis {
        // Most often `_word_` written before a Korean particle, which CommonMark does not
        // read as emphasis: the reader sees the underscores.
        out.push((
            "emphasis",
            vec![format!("{} emphasised spans", a.emphasis)],
            vec![format!(
                "{} (write `*word*` where a letter follows it)",
                b.emphasis
            )],
        ));
    }
    if b.stray_marks > a.stray_marks {
        out.push((
            "emphasis",
            Vec::new(),
            vec![format!(
                "{} `_` or `*` shown as text (an emphasis CommonMark did not close: write `*word*`, or put a space or a noun after the closing mark)",
                b.stray_marks - a.stray_marks
            )],
        ));
    }
    if a.breaks != b.breaks {
        out.push((
            "paragraph breaks",
            vec![format!("{} breaks", a.breaks)],
            vec![format!("{} breaks", b.breaks)],
        ));
    }
    out
}

/// The parts of a message that a translation keeps as they are.
#[derive(Debug, Default)]
struct Kept {
    placeholders: Vec<String>,
    code: Vec<String>,
    links: Vec<String>,
    html: Vec<String>,
    emphasis: usize,
    /// `_` and `*` left in the text: emphasis marks that did not pair up.
    stray_marks: usize,
    breaks: usize,
}

impl Kept {
    fn of(text: &str) -> Kept {
        let mut kept = Kept {
            placeholders: PLACEHOLDER
                .find_iter(text)
                .chain(FILLED.find_iter(&PLACEHOLDER.replace_all(text, "")))
                .map(|m| m.as_str().to_owned())
                .collect(),
            breaks: text.matches("\n\n").count(),
            ..Kept::default()
        };
        for event in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
            match event {
                Event::Code(c) => kept.code.push(format!("`{}`", c.trim())),
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    kept.links.push(format!("({dest_url})"));
                }
                Event::InlineHtml(h) | Event::Html(h) => kept.html.push(h.trim().to_owned()),
                Event::Start(Tag::Emphasis | Tag::Strong) => kept.emphasis += 1,
                Event::Text(t) => kept.stray_marks += t.matches(['_', '*']).count(),
                _ => {}
            }
        }
        kept
    }
}

fn multiset_difference(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let mut left: Vec<&String> = b.iter().collect();
    let mut missing = Vec::new();
    for x in a {
        match left.iter().position(|y| *y == x) {
            Some(i) => {
                left.remove(i);
            }
            None => missing.push(x.clone()),
        }
    }
    (missing, left.into_iter().cloned().collect())
}

/// The line of each entry's `msgid` in a `.po` file, by msgid (obsolete `#~` entries and the
/// `#|` previous msgids are not entries).
fn msgid_lines(text: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("msgid ") {
            current = Some((i + 1, unquote(rest)));
        } else if line.starts_with('"') {
            if let Some((_, s)) = &mut current {
                s.push_str(&unquote(line));
            }
        } else if let Some((at, s)) = current.take() {
            out.entry(s).or_insert(at);
        }
    }
    if let Some((at, s)) = current {
        out.entry(s).or_insert(at);
    }
    out
}

fn unquote(quoted: &str) -> String {
    let inner = quoted.trim().trim_start_matches('"').trim_end_matches('"');
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The start of a message, for a one-line problem.
fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_keeps_placeholders_code_links_and_breaks() {
        let english =
            "It took {{#measured pools median a/b}} with `rayon` ([see](pools.md#x)).\n\nNext.";
        let good =
            "`rayon`으로 {{#measured pools median a/b}} 걸렸습니다([보기](pools.md#x)).\n\n다음.";
        assert!(differences(english, good).is_empty());
        let bad = "{{#measured pools median a/c}} 걸렸습니다 ([보기](pools.md#y)). 다음.";
        let marks = differences("_One_ and _two_.", "_하나_와 *둘*.");
        assert!(
            marks
                .iter()
                .any(|m| m.2.iter().any(|x| x.contains("shown as text"))),
            "{marks:?}"
        );
        let kinds: Vec<&str> = differences(english, bad).iter().map(|d| d.0).collect();
        assert_eq!(
            kinds,
            [
                "placeholders",
                "inline code",
                "link targets",
                "paragraph breaks"
            ]
        );
    }

    #[test]
    fn finds_the_line_of_each_msgid() {
        let po = "msgid \"\"\nmsgstr \"\"\n\"Language: ko\\n\"\n\n#: a.md:1\nmsgid \"\"\n\"Two \\\"lines\\\"\\n\"\n\"here\"\nmsgstr \"x\"\n\n#~ msgid \"old\"\n";
        let lines = msgid_lines(po);
        assert_eq!(lines.get("Two \"lines\"\nhere"), Some(&6));
        assert!(!lines.contains_key("old"));
    }
}
