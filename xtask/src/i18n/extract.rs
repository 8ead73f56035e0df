//! The messages of the English pages, as `mdbook-i18n-helpers` cuts them (one paragraph,
//! heading, list item or table cell each), less the code: code blocks are not translated, so
//! no message comes from one (a Rust comment in an included example stays the crate's own).

use std::ops::RangeInclusive;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use pulldown_cmark::{Event, Options, Parser, Tag};
use regex::Regex;

/// One message: where it starts in the English source, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The page as shown, relative to the workspace root (`book/src/threads.md`).
    pub file: String,
    pub line: usize,
    pub msgid: String,
}

/// The messages of one page's Markdown, in order.
pub fn page_messages(file: &str, text: &str) -> Result<Vec<Message>> {
    let code = code_block_lines(text);
    let found = mdbook_i18n_helpers::extract_messages(text)
        .map_err(|e| anyhow::anyhow!("{e:?}"))
        .with_context(|| format!("cannot cut {file} into messages"))?;
    Ok(found
        .into_iter()
        .filter(|(line, _)| !code.iter().any(|r| r.contains(line)))
        .map(|(line, m)| Message {
            file: file.to_owned(),
            line,
            msgid: m.message,
        })
        .collect())
}

/// The messages of `SUMMARY.md`: its headings, and each link's title alone, as mdBook hands
/// the titles to the pages and the sidebar. Line by line, since a run of suffix chapters
/// written on consecutive lines is one Markdown paragraph but several titles.
pub fn summary_messages(file: &str, text: &str) -> Result<Vec<Message>> {
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\[([^\]]+)\]\([^)]*\)").expect("valid regex"));
    let mut messages = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        let titles: Vec<String> = match trimmed.strip_prefix('#') {
            Some(heading) => vec![heading.trim_start_matches('#').trim().to_owned()],
            None => LINK
                .captures_iter(trimmed)
                .map(|c| c[1].trim().to_owned())
                .collect(),
        };
        messages.extend(
            titles
                .into_iter()
                .filter(|t| !t.is_empty())
                .map(|msgid| Message {
                    file: file.to_owned(),
                    line: i + 1,
                    msgid,
                }),
        );
    }
    Ok(messages)
}

/// The lines (1-based, inclusive) that each code block of `text` spans.
fn code_block_lines(text: &str) -> Vec<RangeInclusive<usize>> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    Parser::new_ext(text, Options::all())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) => {
                Some(line_of(range.start)..=line_of(range.end.saturating_sub(1)))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_give_no_message() {
        let page = "# Title\n\nSome *prose*.\n\n```rust\n// a comment\nlet s = \"text\";\n```\n\n- an item\n";
        let got: Vec<(usize, String)> = page_messages("p.md", page)
            .unwrap()
            .into_iter()
            .map(|m| (m.line, m.msgid))
            .collect();
        assert_eq!(
            got,
            [
                (1, "Title".to_owned()),
                (3, "Some _prose_.".to_owned()),
                (10, "an item".to_owned())
            ]
        );
    }

    #[test]
    fn summary_titles_lose_their_links() {
        let summary =
            "# Summary\n\n- [Threads](threads.md)\n\n[Which tool](which.md)\n[Costs](costs.md)\n";
        let got = summary_messages("S.md", summary).unwrap();
        let ids: Vec<(usize, &str)> = got.iter().map(|m| (m.line, m.msgid.as_str())).collect();
        assert_eq!(
            ids,
            [
                (1, "Summary"),
                (3, "Threads"),
                (5, "Which tool"),
                (6, "Costs")
            ]
        );
    }
}
