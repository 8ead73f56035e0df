//! The search index of a translated edition. mdBook indexes every book as English: its
//! trimmer keeps only ASCII letters and digits, so a Hangul word is trimmed to nothing and a
//! Korean search finds nothing (mdBook issue #1081). The index is rebuilt here from the
//! texts mdBook stored in it, with a tokenizer that trims by Unicode, and without the trimmer
//! step: the browser runs the index's steps on the query too, and elasticlunr.js's trimmer is
//! ASCII-only as well. The stop-word filter and stemmer stay, for the English words a
//! translated page still holds (`Mutex`, `spawn`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use elasticlunr::{IndexBuilder, Language, Pipeline};
use serde_json::Value;

/// What mdBook writes around the index's JSON in `searchindex-HASH.js`.
const PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
const SUFFIX: &str = "'));";

/// The fields mdBook indexes, in the order it adds them.
const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// Rebuilds the search index of the edition built in `out`.
pub fn reindex(out: &Path) -> Result<()> {
    let mut files = std::fs::read_dir(out)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("searchindex") && n.ends_with(".js"))
        });
    let (Some(file), None) = (files.next(), files.next()) else {
        bail!("{}: expected one searchindex*.js", out.display());
    };
    let text = std::fs::read_to_string(&file)?;
    let escaped = text
        .strip_prefix(PREFIX)
        .and_then(|t| t.trim_end().strip_suffix(SUFFIX))
        .with_context(|| format!("{}: not the search index mdBook writes", file.display()))?;
    let mut json: Value = serde_json::from_str(&unescape(escaped))?;
    json["index"] = rebuilt(&json["index"])?;
    let json = serde_json::to_string(&json)?;
    let escaped = json.replace('\\', "\\\\").replace('\'', "\\'");
    std::fs::write(&file, format!("{PREFIX}{escaped}{SUFFIX}"))?;
    Ok(())
}

/// Undoes mdBook's escaping of the JSON inside a `'...'` string: `\\` and `\'`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(next) = chars.next()
        {
            out.push(next);
        } else {
            out.push(c);
        }
    }
    out
}

/// The same documents, indexed by [`AnyScript`].
fn rebuilt(index: &Value) -> Result<Value> {
    let docs = index["documentStore"]["docs"]
        .as_object()
        .context("the search index has no stored documents")?;
    let mut refs: Vec<(u64, &str)> = docs
        .keys()
        .map(|k| Ok((k.parse::<u64>()?, k.as_str())))
        .collect::<Result<_>>()
        .context("a document's ref is not a number")?;
    refs.sort();
    let mut rebuilt = IndexBuilder::with_language(Box::new(AnyScript))
        .add_fields(FIELDS)
        .build();
    for (_, key) in refs {
        let doc = &docs[key];
        let texts = FIELDS.map(|f| doc[f].as_str().unwrap_or_default());
        rebuilt.add_doc(key, texts);
    }
    Ok(serde_json::to_value(&rebuilt)?)
}

/// English, but with words in any script kept: the tokenizer trims what is not a letter or
/// digit in Unicode's sense, and the pipeline has no (ASCII-only) trimmer.
struct AnyScript;

impl Language for AnyScript {
    fn name(&self) -> String {
        "English".into()
    }

    fn code(&self) -> String {
        "en".into()
    }

    fn tokenize(&self, text: &str) -> Vec<String> {
        text.split(|c: char| c.is_whitespace() || c == '-')
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_')
                    .to_lowercase()
            })
            // mdBook leaves out words longer than 80 bytes.
            .filter(|w| !w.is_empty() && w.len() <= 80)
            .collect()
    }

    fn make_pipeline(&self) -> Pipeline {
        let mut pipeline = elasticlunr::lang::English::new().make_pipeline();
        pipeline.queue.retain(|step| step.name() != "trimmer");
        pipeline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_words_are_indexed_and_english_ones_stemmed() {
        let tokens = AnyScript.tokenize("스레드를 (Mutex) 두-개, threads!");
        assert_eq!(tokens, ["스레드를", "mutex", "두", "개", "threads"]);
        let steps: Vec<String> = AnyScript
            .make_pipeline()
            .queue
            .iter()
            .map(|s| s.name())
            .collect();
        assert_eq!(steps, ["stopWordFilter", "stemmer"]);
        assert_eq!(
            AnyScript.make_pipeline().run(tokens),
            ["스레드를", "mutex", "두", "개", "thread"]
        );
        // What mdBook's own index does with the same words: the Hangul is gone.
        let english = elasticlunr::lang::English::new();
        let theirs = english
            .make_pipeline()
            .run(english.tokenize("스레드를 threads"));
        assert_eq!(theirs, ["thread"]);
    }

    #[test]
    fn the_escaping_round_trips() {
        let json = r#"{"a":"it's \"x\" \\ y"}"#;
        let escaped = json.replace('\\', "\\\\").replace('\'', "\\'");
        assert_eq!(unescape(&escaped), json);
    }
}
