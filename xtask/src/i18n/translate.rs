//! A translated edition at build time: the catalog of `po/LANG.po`, the mdBook preprocessor
//! that translates every page before anything else runs, and [`Tr`], which the book's own
//! renderers (exercises, claims) ask for the words they add themselves.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use anyhow::{Result, anyhow};
use mdbook_driver::config::Config;
use mdbook_preprocessor::book::{Book as MdBook, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use polib::catalog::Catalog;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::catalog;
use crate::book::Book;

/// One translation, loaded.
#[derive(Clone)]
pub struct Translation {
    pub lang: String,
    catalog: Arc<Catalog>,
}

impl std::fmt::Debug for Translation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Translation({}, {} messages)",
            self.lang,
            self.catalog.count()
        )
    }
}

impl Translation {
    pub fn load(book: &Book, lang: &str) -> Result<Translation> {
        let mut catalog = catalog::load(&catalog::po_dir(book.root()).join(format!("{lang}.po")))?;
        mdbook_i18n_helpers::gettext::add_stripped_summary_translations(&mut catalog);
        Ok(Translation {
            lang: lang.to_owned(),
            catalog: Arc::new(catalog),
        })
    }

    /// The translation of one message, if it has a finished one.
    pub fn message(&self, english: &str) -> Option<&str> {
        self.catalog
            .find_message(None, english, None)
            .filter(|m| !m.flags().is_fuzzy() && m.is_translated())
            .and_then(|m| m.msgstr().ok())
    }

    /// Markdown translated message by message; what has no translation stays as it is.
    pub fn markdown(&self, text: &str) -> Result<String> {
        let events = mdbook_i18n_helpers::extract_events(text, None);
        let translated = mdbook_i18n_helpers::translate_events(&events, &self.catalog)
            .map_err(|e| anyhow!("{e:?}"))?;
        to_markdown(translated.iter().map(|(_, event)| event))
    }

    /// The edition's settings: its language, title, and folder (`LANG/` inside the English
    /// book's, so that one upload publishes both).
    pub fn configure(&self, config: &mut Config) -> Result<()> {
        let lang = &self.lang;
        config.book.language = Some(lang.clone());
        for field in [&mut config.book.title, &mut config.book.description] {
            if let Some(english) = field.as_deref()
                && let Some(text) = self.message(english)
            {
                *field = Some(text.to_owned());
            }
        }
        config.build.build_dir = config.build.build_dir.join(lang);
        // mdBook's 404 page finds the book's files from `site-url` (default `/`): the
        // translation's are one folder further down.
        let site = config
            .get::<String>("output.html.site-url")?
            .unwrap_or_else(|| "/".to_owned());
        config.set(
            "output.html.site-url",
            format!("{}/{lang}/", site.trim_end_matches('/')),
        )?;
        Ok(())
    }

    /// The preprocessor, with the generated tables rendered in this language from the
    /// committed results.
    pub fn preprocessor(&self, book: &Book) -> Result<TranslatePages> {
        let figures = crate::render::figures::Figures::load(book)?;
        let generated = crate::render::files_in(book, figures.results(), &Tr::new(Some(self)))?
            .into_iter()
            .filter(|f| f.file.ends_with(".md"))
            .map(|f| (format!("{{{{#include generated/{}}}}}", f.file), f.text))
            .collect();
        // Drawings an example draws in this language too (`check/diagrams.rs`).
        let drawn = book
            .chapters()
            .into_iter()
            .flat_map(|c| c.krate.meta.diagrams.iter().filter(|d| d.words))
            .filter(|d| {
                book.generated_dir()
                    .join(&self.lang)
                    .join(&d.file)
                    .is_file()
            })
            .map(|d| {
                (
                    format!("(generated/{})", d.file),
                    format!("(generated/{}/{})", self.lang, d.file),
                )
            });
        Ok(TranslatePages {
            translation: self.clone(),
            generated,
            diagrams: super::diagrams::translated(book, &self.lang)
                .into_iter()
                .chain(drawn)
                .collect(),
        })
    }
}

/// Markdown from events, with `*` for emphasis. `mdbook_i18n_helpers::reconstruct_markdown`
/// writes `_`, which CommonMark does not read as emphasis next to a letter: Korean puts its
/// particles right after the word (`_동시성_과` would show its underscores), `*동시성*과` does not.
pub fn to_markdown<'a>(events: impl Iterator<Item = &'a Event<'a>> + Clone) -> Result<String> {
    let options = pulldown_cmark_to_cmark::Options {
        code_block_token_count: pulldown_cmark_to_cmark::calculate_code_block_token_count(
            events.clone(),
        )
        .unwrap_or(3),
        list_token: '-',
        emphasis_token: '*',
        strong_token: "**",
        ..pulldown_cmark_to_cmark::Options::default()
    };
    let mut out = String::new();
    pulldown_cmark_to_cmark::cmark_with_options(events, &mut out, options)
        .map_err(|e| anyhow!("cannot write the translated Markdown: {e:?}"))?;
    Ok(out.trim_start_matches('\n').to_owned())
}

/// The preprocessor: every page and title through the catalog; every heading keeps the
/// English page's anchor, so that a link `page.md#anchor` works in every edition; the
/// generated tables are this language's rendering of the same results, and each drawing
/// under `diagrams/` its translation under `diagrams/LANG/`.
#[derive(Debug)]
pub struct TranslatePages {
    translation: Translation,
    /// `{{#include generated/FILE.md}}` and what it stands for in this language.
    generated: Vec<(String, String)>,
    /// `(diagrams/NAME.svg)` and `(diagrams/LANG/NAME.svg)`, for each drawing translated, and
    /// the same for `generated/` drawings that an example draws in this language.
    diagrams: Vec<(String, String)>,
}

impl Preprocessor for TranslatePages {
    fn name(&self) -> &str {
        "translate"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: MdBook) -> Result<MdBook> {
        let mut english = BTreeMap::new();
        book.for_each_chapter_mut(|ch| {
            english.insert(ch.path.clone(), ch.content.clone());
        });
        let mut problems = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(ch) = item else {
                if let BookItem::PartTitle(title) = item {
                    match self.translation.markdown(title) {
                        Ok(text) => *title = text,
                        Err(why) => problems.push(format!("{title}: {why}")),
                    }
                }
                return;
            };
            match (
                self.translation.markdown(&ch.content),
                self.translation.markdown(&ch.name),
            ) {
                (Ok(content), Ok(name)) => (ch.content, ch.name) = (content, name),
                (Err(why), _) | (_, Err(why)) => {
                    problems.push(format!("{}: {why}", ch.name));
                    return;
                }
            }
            let Some(original) = english.get(&ch.path) else {
                return;
            };
            match keep_anchors(original, &ch.content) {
                Ok(text) => ch.content = text,
                Err(why) => problems.push(format!("{}: {why}", ch.name)),
            }
            for (from, to) in self.generated.iter().chain(&self.diagrams) {
                if ch.content.contains(from.as_str()) {
                    ch.content = ch.content.replace(from.as_str(), to);
                }
            }
        });
        if !problems.is_empty() {
            anyhow::bail!("{}", problems.join("\n"));
        }
        Ok(book)
    }
}

/// The headings of `english`, with the ids mdBook gives them: an explicit `{#id}`, or one
/// made from the heading's text (mdBook's `id_from_content` and `unique_id`, which it keeps
/// private).
pub fn heading_ids(english: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut used = HashSet::new();
    let mut text: Option<(Option<String>, String)> = None;
    for event in Parser::new_ext(english, options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                text = Some((id.map(|i| i.to_string()), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s)) = &mut text {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((explicit, s)) = text.take() {
                    ids.push(
                        explicit.unwrap_or_else(|| unique_id(&id_from_content(&s), &mut used)),
                    );
                }
            }
            _ => {}
        }
    }
    ids
}

/// Gives each heading of `translated` the id of the same heading in `english`.
fn keep_anchors(english: &str, translated: &str) -> Result<String, String> {
    let ids = heading_ids(english);
    let mut places = Vec::new();
    for (event, range) in Parser::new_ext(translated, options()).into_offset_iter() {
        if let Event::Start(Tag::Heading { id, .. }) = event {
            let line_end = translated[range.start..]
                .find('\n')
                .map_or(translated.len(), |i| range.start + i);
            places.push((line_end, id.is_some()));
        }
    }
    if places.len() != ids.len() {
        return Err(format!(
            "the translation has {} headings where the English has {}",
            places.len(),
            ids.len()
        ));
    }
    let mut out = translated.to_owned();
    for ((at, has_id), id) in places.into_iter().zip(ids).rev() {
        if !has_id {
            let at = out[..at].trim_end().len();
            out.insert_str(at, &format!(" {{#{id}}}"));
        }
    }
    Ok(out)
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|ch| {
            if ch.is_alphanumeric() || ch == '_' || ch == '-' {
                Some(ch)
            } else if ch.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn unique_id(id: &str, used: &mut HashSet<String>) -> String {
    if used.insert(id.to_owned()) {
        return id.to_owned();
    }
    (1..)
        .map(|n| format!("{id}-{n}"))
        .find(|c| used.insert(c.clone()))
        .expect("some suffix is free")
}

/// What the book's renderers ask for the words they add: the English itself, or its
/// translation when the edition has one.
#[derive(Debug, Clone, Copy)]
pub struct Tr<'a>(Option<&'a Translation>);

impl<'a> Tr<'a> {
    pub fn new(translation: Option<&'a Translation>) -> Tr<'a> {
        Tr(translation)
    }

    pub const ENGLISH: Tr<'static> = Tr(None);

    /// One of the fixed phrases of `super::ui::PHRASES`.
    pub fn ui(&self, english: &'static str) -> String {
        debug_assert!(super::ui::all().any(|p| p == english), "{english}");
        self.0
            .and_then(|t| t.message(english))
            .unwrap_or(english)
            .to_owned()
    }

    /// The translation of one message, when there is one.
    pub fn message(&self, english: &str) -> Option<&'a str> {
        self.0.and_then(|t| t.message(english))
    }

    /// Markdown whose messages are in the catalog (an exercise's task).
    pub fn md(&self, text: &str) -> String {
        match self.0 {
            Some(t) => t.markdown(text).unwrap_or_else(|_| text.to_owned()),
            None => text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_keep_the_english_anchors() {
        let english = "# Threads\n\nText.\n\n## Two jobs, one `after` the other\n\n## Two jobs, one `after` the other\n\n## Set {#own}\n";
        assert_eq!(
            heading_ids(english),
            [
                "threads",
                "two-jobs-one-after-the-other",
                "two-jobs-one-after-the-other-1",
                "own"
            ]
        );
        let korean = "# 스레드\n\n글.\n\n## 두 작업\n\n## 두 작업\n\n## 집합 {#own}\n";
        assert_eq!(
            keep_anchors(english, korean).unwrap(),
            "# 스레드 {#threads}\n\n글.\n\n## 두 작업 {#two-jobs-one-after-the-other}\n\n## 두 작업 {#two-jobs-one-after-the-other-1}\n\n## 집합 {#own}\n"
        );
        assert!(keep_anchors(english, "# 하나\n").is_err());
    }

    /// `_word_` right before a Korean particle is not emphasis in CommonMark; the translated
    /// page must be written with `*`, or the reader sees the underscores.
    #[test]
    fn emphasis_before_a_korean_particle_stays_emphasis() {
        let english = "Two words: *concurrency* and *parallelism*.";
        let msgid = "Two words: _concurrency_ and _parallelism_.";
        let mut catalog = Catalog::new(polib::metadata::CatalogMetadata::new());
        catalog.append_or_update(
            polib::message::Message::build_singular()
                .with_msgid(msgid.to_owned())
                .with_msgstr("두 낱말: *동시성*과 *병렬성*입니다.".to_owned())
                .done(),
        );
        let emphasised = |text: &str| {
            Parser::new(text)
                .filter(|e| matches!(e, Event::Start(Tag::Emphasis)))
                .count()
        };
        let translation = Translation {
            lang: "ko".to_owned(),
            catalog: Arc::new(catalog),
        };
        let page = translation.markdown(english).unwrap();
        assert_eq!(emphasised(&page), 2, "{page}");
        // The crate's own writer, which this one replaces, loses both.
        let events = mdbook_i18n_helpers::extract_events(english, None);
        let translated =
            mdbook_i18n_helpers::translate_events(&events, &translation.catalog).unwrap();
        let (theirs, _) = mdbook_i18n_helpers::reconstruct_markdown(&translated, None).unwrap();
        assert_eq!(emphasised(&theirs), 0, "{theirs}");
    }

    #[test]
    fn a_translation_is_one_folder_below_the_english_site() {
        let translation = Translation {
            lang: "ko".to_owned(),
            catalog: Arc::new(Catalog::new(polib::metadata::CatalogMetadata::new())),
        };
        for (english, korean) in [(None, "/ko/"), (Some("/book/"), "/book/ko/")] {
            let mut config = Config::default();
            if let Some(site) = english {
                config.set("output.html.site-url", site).unwrap();
            }
            translation.configure(&mut config).unwrap();
            let site: Option<String> = config.get("output.html.site-url").unwrap();
            assert_eq!(site.as_deref(), Some(korean));
            assert_eq!(config.book.language.as_deref(), Some("ko"));
            assert!(config.build.build_dir.ends_with("ko"));
        }
    }
}
