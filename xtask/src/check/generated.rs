//! Step 1, for what `cargo xtask bench` generated: every chapter that measures something has
//! results, they are the results of the crate's benches and probes as they are today, every id
//! its metadata names was measured, and every generated file is what the committed results
//! render to (so a hand edit, or a fragment left stale by a change of metadata, fails).

use crate::book::{Book, ChapterCrate};
use crate::problem::Problem;
use crate::render;
use crate::results::AllResults;

pub(crate) fn check(book: &Book, all: &AllResults) -> Vec<Problem> {
    let mut problems = consistency(&book.ws.crates, all);
    match render::files(book, all) {
        Ok(files) => problems.extend(render::compare(book, &files)),
        Err(e) => problems.push(Problem::new(format!(
            "cannot render the committed results: {e:#}"
        ))),
    }
    problems
}

/// The results against the crates: what is measured is what the crates measure.
fn consistency(crates: &[ChapterCrate], all: &AllResults) -> Vec<Problem> {
    let mut problems = Vec::new();
    let again = |name: &str| format!("run `cargo xtask bench {name}`");
    for c in crates.iter().filter(|c| c.measures()) {
        let name = &c.name;
        let json = render::shown(&format!("{name}.json"));
        let Some(results) = all.get(name) else {
            problems.push(
                Problem::new(format!("chapter `{name}` has measurements but no {json}"))
                    .fix(again(name)),
            );
            continue;
        };
        if results.benches != c.bench_sources() {
            problems.push(
                Problem::in_file(
                    &json,
                    format!(
                        "holds results of {:?}, but the crate's benches are {:?}",
                        results.benches,
                        c.bench_sources()
                    ),
                )
                .fix(again(name)),
            );
        }
        for probe in &c.meta.probes {
            let prefix = format!("{}/", probe.example);
            if !results
                .measurements
                .iter()
                .any(|m| m.id.starts_with(&prefix))
            {
                problems.push(
                    Problem::in_file(
                        &json,
                        format!("has no results of the probe `{}`", probe.example),
                    )
                    .fix(again(name)),
                );
            }
        }
        let python_ran = results
            .measurements
            .iter()
            .any(|m| m.id.starts_with("python/"));
        for (what, id) in c.meta.referenced_ids() {
            if results.get(id).is_none() && (python_ran || !id.starts_with("python/")) {
                problems.push(
                    Problem::in_file(
                        format!("crates/{name}/Cargo.toml"),
                        format!("{what} names `{id}`, which {json} does not hold"),
                    )
                    .fix(format!("fix the id, or {}", again(name))),
                );
            }
        }
    }
    for name in all.keys() {
        if !crates.iter().any(|c| &c.name == name && c.measures()) {
            problems.push(
                Problem::in_file(
                    render::shown(&format!("{name}.json")),
                    format!("no chapter `{name}` measures anything"),
                )
                .fix("remove it and its fragment"),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::meta::ChapterMeta;
    use crate::results::tests::{m, results};

    /// A chapter `demo` with benches a and b, a ratio of g/1 and g/2, and its results.
    fn setup() -> (Vec<ChapterCrate>, AllResults) {
        let meta = ChapterMeta::from_package_metadata(
            "demo",
            &serde_json::json!({ "xtask": {
                "ratios": [{ "name": "two", "label": "g/1 / g/2", "numerator": "g/1", "denominator": "g/2" }],
                "costs": [{ "what": "one g", "id": "g/1", "section": "g" }] } }),
        )
        .unwrap();
        let chapter = ChapterCrate {
            name: "demo".into(),
            dir: "crates/demo".into(),
            examples: vec![],
            bins: vec![],
            benches: vec!["a".into(), "b".into()],
            tests: vec![],
            meta,
        };
        let mut r = results("demo", 2, vec![m("g/1", 100.0), m("g/2", 50.0)]);
        r.benches = chapter.bench_sources();
        (vec![chapter], AllResults::from([("demo".into(), r)]))
    }

    fn headlines(problems: Vec<Problem>) -> Vec<String> {
        problems.iter().map(Problem::headline).collect()
    }

    #[test]
    fn results_of_the_crates_benches_are_consistent() {
        let (crates, all) = setup();
        assert_eq!(consistency(&crates, &all), []);
    }

    #[test]
    fn unmeasured_ids_and_changed_benches_fail() {
        let (mut crates, all) = setup();
        crates[0].meta.ratios[0].denominator = "g/3".into();
        crates[0].benches.push("c".into());
        assert_eq!(
            headlines(consistency(&crates, &all)),
            [
                "book/src/generated/demo.json: holds results of [\"benches/a.rs\", \"benches/b.rs\"], but the crate's benches are [\"benches/a.rs\", \"benches/b.rs\", \"benches/c.rs\"]: run `cargo xtask bench demo`",
                "crates/demo/Cargo.toml: ratio `two` names `g/3`, which book/src/generated/demo.json does not hold: fix the id, or run `cargo xtask bench demo`",
            ]
        );
    }

    #[test]
    fn a_chapter_without_results_or_results_without_a_chapter_fail() {
        let (crates, all) = setup();
        let mut other = crates[0].clone();
        other.name = "other".into();
        assert_eq!(
            headlines(consistency(&[other], &all)),
            [
                "chapter `other` has measurements but no book/src/generated/other.json: run `cargo xtask bench other`",
                "book/src/generated/demo.json: no chapter `demo` measures anything: remove it and its fragment",
            ]
        );
    }
}
