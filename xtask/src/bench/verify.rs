//! For `cargo xtask check`: the generated files are checked by rendering them again from the
//! committed `<chapter>.json` and comparing byte for byte, so a hand edit, a stale fragment
//! after a metadata change, or a ratio naming a benchmark that was never measured all fail.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::render::Pages;
use super::{chapter_files, costs_file, costs_ladder, ladder, load_results, measures};
use crate::workspace::{ChapterCrate, generated_dir};

/// One message per problem; empty when everything generated is what the JSON renders to.
pub fn verify(root: &Path, chapters: &[ChapterCrate], pages: &Pages) -> Result<Vec<String>> {
    let generated = generated_dir(root);
    let all = load_results(&generated)?;
    let mut problems = Vec::new();
    let again = |name: &str| format!("run `cargo xtask bench {name}`");
    for c in chapters.iter().filter(|c| measures(c)) {
        let name = &c.name;
        let Some(results) = all.get(name) else {
            problems.push(format!(
                "chapter `{name}` has measurements but no book/src/generated/{name}.json: {}",
                again(name)
            ));
            continue;
        };
        let json = format!("book/src/generated/{name}.json");
        if results.benches != c.bench_sources() {
            problems.push(format!(
                "{json} holds results of {:?}, but the crate's benches are {:?}: {}",
                results.benches,
                c.bench_sources(),
                again(name)
            ));
        }
        for probe in &c.meta.probes {
            let prefix = format!("{}/", probe.example);
            if !results
                .measurements
                .iter()
                .any(|m| m.id.starts_with(&prefix))
            {
                problems.push(format!(
                    "{json} has no results of the probe `{}`: {}",
                    probe.example,
                    again(name)
                ));
            }
        }
        let python_ran = results
            .measurements
            .iter()
            .any(|m| m.id.starts_with("python/"));
        for (what, id) in c.meta.referenced_ids() {
            if results.get(id).is_none() && (python_ran || !id.starts_with("python/")) {
                problems.push(format!(
                    "crates/{name}/Cargo.toml: {what} names `{id}`, which {json} does not hold: fix the id, or {}",
                    again(name)
                ));
            }
        }
        match chapter_files(results, &c.meta) {
            Ok(files) => {
                for (file, text) in files {
                    problems.extend(compare(&generated.join(&file), &file, &text, name));
                }
            }
            Err(e) => problems.push(format!("cannot render {json}: {e:#}")),
        }
    }
    let names: BTreeMap<&str, ()> = chapters
        .iter()
        .filter(|c| measures(c))
        .map(|c| (c.name.as_str(), ()))
        .collect();
    for name in all.keys().filter(|n| !names.contains_key(n.as_str())) {
        problems.push(format!(
            "book/src/generated/{name}.json: no chapter `{name}` measures anything: remove it and its fragment"
        ));
    }
    if root.join("book/src/costs.md").is_file() {
        let text = costs_file(chapters, &all, pages);
        problems.extend(compare(&generated.join("costs.md"), "costs.md", &text, ""));
        match costs_ladder(chapters, &all, pages) {
            Ok(svg) => problems.extend(compare(
                &generated.join(ladder::FILE),
                ladder::FILE,
                &svg,
                "",
            )),
            Err(e) => problems.push(format!(
                "cannot draw book/src/generated/{}: {e:#}",
                ladder::FILE
            )),
        }
    }
    Ok(problems)
}

/// A generated file against what it should be.
fn compare(path: &Path, file: &str, want: &str, chapter: &str) -> Option<String> {
    let shown = format!("book/src/generated/{file}");
    let fix = if chapter.is_empty() {
        "run `cargo xtask bench`".to_owned()
    } else {
        format!("run `cargo xtask bench {chapter}`")
    };
    let Ok(have) = std::fs::read_to_string(path) else {
        return Some(format!("{shown} is missing: {fix}"));
    };
    if have == want {
        return None;
    }
    let line = have
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| have.lines().count().min(want.lines().count()))
        + 1;
    Some(format!(
        "{shown}:{line}: differs from what the results render to (generated files are not edited by hand): {fix}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::results::tests::{m, results};
    use crate::bench::write_chapter;
    use crate::meta::ChapterMeta;

    /// A fake workspace with one chapter `demo` (benches a and b) and its generated results.
    fn setup() -> (tempfile::TempDir, Vec<ChapterCrate>, Pages) {
        let dir = tempfile::tempdir().unwrap();
        let meta = ChapterMeta::from_package_metadata(
            "demo",
            &serde_json::json!({ "xtask": {
                "ratios": [{ "name": "two", "label": "g/1 / g/2", "numerator": "g/1", "denominator": "g/2" }],
                "costs": [{ "what": "one g", "id": "g/1", "section": "g" }],
                "speedup-plots": [{ "file": "demo-speedup.svg", "title": "t", "x-label": "x",
                    "series": [{ "name": "g", "prefix": "g/", "baseline": "g/1" }] }] } }),
        )
        .unwrap();
        let chapter = ChapterCrate {
            name: "demo".into(),
            dir: dir.path().join("crates/demo"),
            examples: vec![],
            bins: vec![],
            benches: vec!["a".into(), "b".into()],
            tests: vec![],
            meta,
        };
        let generated = generated_dir(dir.path());
        std::fs::create_dir_all(&generated).unwrap();
        let mut r = results("demo", 2, vec![m("g/1", 100.0), m("g/2", 50.0)]);
        r.benches = chapter.bench_sources();
        write_chapter(&generated, &r, &chapter.meta).unwrap();
        let pages = Pages::from([("demo".into(), ("demo.md".into(), "Demo".into()))]);
        let all = crate::bench::load_results(&generated).unwrap();
        std::fs::write(dir.path().join("book/src/costs.md"), "").unwrap();
        std::fs::write(
            generated.join("costs.md"),
            costs_file(std::slice::from_ref(&chapter), &all, &pages),
        )
        .unwrap();
        std::fs::write(
            generated.join(ladder::FILE),
            costs_ladder(std::slice::from_ref(&chapter), &all, &pages).unwrap(),
        )
        .unwrap();
        (dir, vec![chapter], pages)
    }

    #[test]
    fn what_bench_wrote_verifies() {
        let (dir, chapters, pages) = setup();
        assert_eq!(
            verify(dir.path(), &chapters, &pages).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_edited_or_stale_generated_file_fails() {
        let (dir, chapters, pages) = setup();
        let fragment = generated_dir(dir.path()).join("demo.md");
        let text = std::fs::read_to_string(&fragment).unwrap();
        std::fs::write(&fragment, text.replace("2.00×", "2.10×")).unwrap();
        let problems = verify(dir.path(), &chapters, &pages).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("book/src/generated/demo.md:"),
            "{problems:?}"
        );
        assert!(
            problems[0].contains("run `cargo xtask bench demo`"),
            "{problems:?}"
        );

        let (dir, chapters, pages) = setup();
        std::fs::remove_file(generated_dir(dir.path()).join("demo-speedup.svg")).unwrap();
        std::fs::write(generated_dir(dir.path()).join("costs.md"), "edited").unwrap();
        let problems = verify(dir.path(), &chapters, &pages).unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("demo-speedup.svg is missing")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("book/src/generated/costs.md:1:")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_stale_or_missing_costs_ladder_fails() {
        let (dir, chapters, pages) = setup();
        let ladder = generated_dir(dir.path()).join(ladder::FILE);
        let svg = std::fs::read_to_string(&ladder).unwrap();
        assert!(svg.contains("one g"), "{svg}");
        // A cost row relabelled in the metadata: the table and the chart are both stale.
        let mut relabelled = chapters.clone();
        relabelled[0].meta.costs[0].what = "one g, relabelled".into();
        let problems = verify(dir.path(), &relabelled, &pages).unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("book/src/generated/costs-ladder.svg:")
                    && p.contains("run `cargo xtask bench`")),
            "{problems:?}"
        );
        std::fs::remove_file(&ladder).unwrap();
        let problems = verify(dir.path(), &chapters, &pages).unwrap();
        assert_eq!(
            problems,
            ["book/src/generated/costs-ladder.svg is missing: run `cargo xtask bench`"]
        );
    }

    #[test]
    fn unmeasured_ids_and_changed_benches_fail() {
        let (dir, mut chapters, pages) = setup();
        chapters[0].meta.ratios[0].denominator = "g/3".into();
        chapters[0].benches.push("c".into());
        let problems = verify(dir.path(), &chapters, &pages).unwrap();
        assert!(
            problems.iter().any(|p| p.contains(
                "ratio `two` names `g/3`, which book/src/generated/demo.json does not hold"
            )),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("but the crate's benches are")),
            "{problems:?}"
        );
        // And the fragment would now print "not measured": it differs from the file.
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("book/src/generated/demo.md")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_chapter_without_results_or_results_without_a_chapter_fail() {
        let (dir, chapters, pages) = setup();
        let mut other = chapters[0].clone();
        other.name = "other".into();
        let problems = verify(dir.path(), &[other], &pages).unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("chapter `other` has measurements but no")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("demo.json: no chapter `demo` measures")),
            "{problems:?}"
        );
    }
}
