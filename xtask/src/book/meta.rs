//! A chapter's own settings for the xtask: the `[package.metadata.xtask]` table of its
//! `Cargo.toml`. What a chapter's benchmark tables compare, which rows it gives the costs
//! appendix, its Python twins and its loom models live there, next to the code they describe,
//! so that adding a ratio to a chapter never means editing the xtask. Unknown keys are errors:
//! a misspelt key would otherwise be a setting silently ignored.

use anyhow::{Result, bail};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChapterMeta {
    /// Integration tests (`tests/<name>.rs`) that hold loom models: run with the chapter's
    /// feature `loom` (which must exist), as `cargo test --workspace --features CHAPTER/loom
    /// --test NAME`.
    #[serde(default)]
    pub loom_tests: Vec<String>,
    /// Comparisons the chapter's results table prints and its prose may quote.
    #[serde(default)]
    pub ratios: Vec<Ratio>,
    /// Rows of the appendix "What concurrency costs on this machine".
    #[serde(default)]
    pub costs: Vec<Cost>,
    /// Python scripts timed next to the Rust benchmarks.
    #[serde(default)]
    pub python_twins: Vec<PythonTwin>,
    /// Examples run once in release by `cargo xtask bench`, printing measurements.
    #[serde(default)]
    pub probes: Vec<Probe>,
    #[serde(default)]
    pub speedup_plots: Vec<SpeedupPlot>,
    #[serde(default)]
    pub bar_plots: Vec<BarPlot>,
    /// Pictures in the book drawn by an example of the chapter: `cargo xtask check` runs it
    /// and compares what it prints with the committed file.
    #[serde(default)]
    pub diagrams: Vec<Diagram>,
    /// Sentences of the book that compare measurements, with the conditions that make them
    /// true (`claims.rs`).
    #[serde(default)]
    pub claims: Vec<crate::claims::Claim>,
}

/// `cargo run --example EXAMPLE -- ARGS > book/src/generated/FILE`, kept true by the check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Diagram {
    /// An example of the chapter's crate that prints the picture (an SVG) and nothing else,
    /// the same bytes on every run.
    pub example: String,
    #[serde(default)]
    pub args: Vec<String>,
    /// Its file under `book/src/generated/`.
    pub file: String,
    /// The example takes `--list-words` (print the English phrases the drawing shows, one
    /// per line) and `--words FILE` (draw with `English<TAB>translation` lines instead): the
    /// list is kept as `FILE.words` beside the drawing, its phrases are translated in
    /// `po/LANG.po`, and each translation's drawing is `generated/LANG/FILE`.
    #[serde(default)]
    pub words: bool,
}

/// `time(numerator) / time(denominator)`; for a speedup the slow side is the numerator, so
/// that 2 reads "twice as fast".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ratio {
    /// Short id, for `{{#measured CHAPTER ratio NAME}}`.
    pub name: String,
    /// What the table prints: says exactly what is compared.
    pub label: String,
    pub numerator: String,
    pub denominator: String,
    #[serde(default)]
    pub efficiency: Option<EfficiencyKind>,
    /// With `efficiency = "per-thread"`: the parallel side's thread count.
    #[serde(default)]
    pub threads: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EfficiencyKind {
    /// One thread per core on the parallel side: efficiency = speedup / cores.
    PerCore,
    /// `threads` threads on the parallel side: efficiency = speedup / threads (also right
    /// when there are more threads than cores).
    PerThread,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Cost {
    /// The row's text: what is paid, and what is inside the timed region.
    pub what: String,
    /// The benchmark id that measures it.
    pub id: String,
    /// The anchor of the section on the chapter's page that explains it.
    pub section: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PythonTwin {
    /// Relative to the crate; prints lines `name<TAB>nanoseconds`, `name count seconds`, or
    /// `name<TAB>value<TAB>unit` as a probe does.
    pub script: String,
    #[serde(default)]
    pub args: Vec<String>,
    /// Append `--workers <cores>`, so that its pools have one worker per core.
    #[serde(default)]
    pub workers: bool,
    /// Its lines become measurements `python/<prefix>/<name>`.
    pub prefix: String,
    /// What its numbers are: what is inside the timed region.
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Probe {
    /// An example of the chapter's crate, run once in release. It prints lines
    /// `id<TAB>value<TAB>unit` (unit: ns, B, /s or count), which become measurements
    /// `<example>/<id>`.
    pub example: String,
    #[serde(default)]
    pub args: Vec<String>,
    /// What its numbers are: what is inside the measurement, and that it is one run.
    pub note: String,
    /// How long the run may take, in seconds (default 300).
    #[serde(default)]
    pub timeout: Option<u64>,
}

/// A line of a speedup plot: the measurements `<prefix><x>` for every number `x` found, each
/// as `time(baseline) / time(<prefix><x>)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Series {
    pub name: String,
    pub prefix: String,
    pub baseline: String,
}

/// y = speedup, x = the number at the end of the ids.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SpeedupPlot {
    /// File name under `book/src/generated/`.
    pub file: String,
    pub title: String,
    pub x_label: String,
    /// Plot x on a log scale (chunk sizes span decades).
    #[serde(default)]
    pub log_x: bool,
    pub series: Vec<Series>,
}

/// A bar chart of every measurement whose id starts with `prefix` (log time axis).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BarPlot {
    pub file: String,
    pub title: String,
    pub prefix: String,
}

impl ChapterMeta {
    /// Reads the `xtask` table of a package's metadata (`null` when there is none).
    pub fn from_package_metadata(chapter: &str, metadata: &serde_json::Value) -> Result<Self> {
        let table = &metadata["xtask"];
        if table.is_null() {
            return Ok(ChapterMeta::default());
        }
        let meta: ChapterMeta = match serde_json::from_value(table.clone()) {
            Ok(m) => m,
            Err(e) => bail!("crates/{chapter}/Cargo.toml: [package.metadata.xtask]: {e}"),
        };
        meta.validate(chapter)?;
        if let Err(e) = crate::claims::validate(chapter, &meta) {
            bail!("crates/{chapter}/Cargo.toml: [package.metadata.xtask]: {e}");
        }
        Ok(meta)
    }

    fn validate(&self, chapter: &str) -> Result<()> {
        let at = format!("crates/{chapter}/Cargo.toml: [package.metadata.xtask]");
        let mut names = std::collections::BTreeSet::new();
        for r in &self.ratios {
            if !names.insert(r.name.as_str()) {
                bail!("{at}: two ratios are named `{}`", r.name);
            }
            if r.name.is_empty() || r.name.contains(char::is_whitespace) {
                bail!("{at}: ratio name `{}` must be one word", r.name);
            }
            match (r.efficiency, r.threads) {
                (Some(EfficiencyKind::PerThread), None) => {
                    bail!(
                        "{at}: ratio `{}`: per-thread efficiency needs `threads`",
                        r.name
                    )
                }
                (Some(EfficiencyKind::PerThread), Some(0)) => {
                    bail!("{at}: ratio `{}`: `threads` must be at least 1", r.name)
                }
                (Some(EfficiencyKind::PerCore) | None, Some(_)) => bail!(
                    "{at}: ratio `{}`: `threads` only goes with efficiency = \"per-thread\"",
                    r.name
                ),
                _ => {}
            }
        }
        let mut files = std::collections::BTreeSet::new();
        for file in self.plot_files() {
            if !file.starts_with(&format!("{chapter}-")) || !file.ends_with(".svg") {
                bail!("{at}: plot file `{file}` must be named `{chapter}-<what>.svg`");
            }
            if !files.insert(file) {
                bail!("{at}: two plots write `{file}`");
            }
        }
        Ok(())
    }

    /// The files its plots are drawn to, under `book/src/generated/`.
    pub fn plot_files(&self) -> impl Iterator<Item = &String> {
        self.speedup_plots
            .iter()
            .map(|p| &p.file)
            .chain(self.bar_plots.iter().map(|p| &p.file))
    }

    pub fn ratio(&self, name: &str) -> Option<&Ratio> {
        self.ratios.iter().find(|r| r.name == name)
    }

    /// Every measurement id this table names, with what names it (for messages).
    pub fn referenced_ids(&self) -> Vec<(String, &str)> {
        let mut ids = Vec::new();
        for r in &self.ratios {
            ids.push((format!("ratio `{}`", r.name), r.numerator.as_str()));
            ids.push((format!("ratio `{}`", r.name), r.denominator.as_str()));
        }
        for c in &self.costs {
            ids.push((format!("cost row \"{}\"", c.what), c.id.as_str()));
        }
        for p in &self.speedup_plots {
            for s in &p.series {
                ids.push((format!("plot `{}`", p.file), s.baseline.as_str()));
            }
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_json: serde_json::Value) -> Result<ChapterMeta> {
        ChapterMeta::from_package_metadata("demo", &serde_json::json!({ "xtask": toml_json }))
    }

    #[test]
    fn reads_every_table() {
        let meta = parse(serde_json::json!({
            "loom-tests": ["loom"],
            "ratios": [{ "name": "speedup", "label": "s / p", "numerator": "a/s",
                         "denominator": "a/p", "efficiency": "per-thread", "threads": 2 }],
            "costs": [{ "what": "a thing", "id": "a/p", "section": "costs" }],
            "python-twins": [{ "script": "python/x.py", "prefix": "x", "note": "n" }],
            "probes": [{ "example": "load", "args": ["--tsv"], "note": "one run" }],
            "speedup-plots": [{ "file": "demo-s.svg", "title": "t", "x-label": "x",
                                "series": [{ "name": "a", "prefix": "a/", "baseline": "a/1" }] }],
            "bar-plots": [{ "file": "demo-b.svg", "title": "t", "prefix": "a/" }],
        }))
        .unwrap();
        assert_eq!(meta.loom_tests, ["loom"]);
        assert_eq!(meta.ratio("speedup").unwrap().threads, Some(2));
        assert_eq!(meta.referenced_ids().len(), 4);
    }

    #[test]
    fn no_table_is_the_default() {
        let meta = ChapterMeta::from_package_metadata("demo", &serde_json::Value::Null).unwrap();
        assert!(meta.ratios.is_empty() && meta.loom_tests.is_empty());
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let err = parse(serde_json::json!({ "loom-test": ["loom"] })).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("crates/demo/Cargo.toml"), "{text}");
        assert!(text.contains("unknown field `loom-test`"), "{text}");
        let err = parse(serde_json::json!({ "ratios": [{ "name": "r", "label": "l",
            "numerator": "a", "denominator": "b", "efficency": "per-core" }] }))
        .unwrap_err();
        assert!(err.to_string().contains("efficency"), "{err}");
    }

    #[test]
    fn inconsistent_settings_are_errors() {
        let ratio = |extra: serde_json::Value| {
            let mut r = serde_json::json!({ "name": "r", "label": "l", "numerator": "a",
                                            "denominator": "b" });
            r.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            parse(serde_json::json!({ "ratios": [r] }))
        };
        assert!(ratio(serde_json::json!({ "efficiency": "per-thread" })).is_err());
        assert!(ratio(serde_json::json!({ "threads": 2 })).is_err());
        assert!(ratio(serde_json::json!({ "name": "two words" })).is_err());
        assert!(ratio(serde_json::json!({ "efficiency": "per-core" })).is_ok());
        let plot = parse(serde_json::json!({ "bar-plots": [
            { "file": "other-b.svg", "title": "t", "prefix": "a/" }] }));
        assert!(plot.unwrap_err().to_string().contains("demo-<what>.svg"));
    }
}
