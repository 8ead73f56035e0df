//! The checker must fail when the book and the code disagree, and say where. What it prints
//! is compared with the snapshots in `tests/snapshots/` (the text a reader of the check sees:
//! `SNAPSHOTS=overwrite cargo test --test checker` writes them again after a change of
//! wording); where the part that matters is one fact, the test matches on the problem itself.

use std::time::{Duration, Instant};

use workspace_tests::Fixture;
use xtask::check::Report;
use xtask::problem::{At, Problem};
use xtask::runner::processes_matching;

const PAGE: &str = "book/src/demo.md";
const EXERCISE: &str = "crates/demo/src/exercises/double.rs";
const RESULTS: &str = "book/src/generated/demo.json";
const DRAWING: &str = "book/src/generated/demo-bars.svg";

/// Where each problem is, `file:line`.
fn places(report: &Report) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| p.at.as_ref().map_or_else(String::new, At::to_string))
        .collect()
}

fn headlines(report: &Report) -> Vec<String> {
    report.problems.iter().map(Problem::headline).collect()
}

/// Options for the build, the tests and the exercises only.
fn tests_only(fx: &Fixture) -> xtask::check::Options {
    let mut opts = fx.options();
    opts.examples = false;
    opts.tests = true;
    opts
}

#[test]
fn the_fixture_book_passes_every_step() {
    let fx = Fixture::new("demo");
    let mut opts = fx.options();
    opts.tests = true;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    fx.assert_snapshot("passes_every_step", &out);
    assert!(fx.path().join("target/book/index.html").is_file(), "{out}");
    let page = std::fs::read_to_string(fx.path().join("target/book/demo.html")).unwrap();
    assert!(
        page.contains("demo::greet"),
        "the included code is in the page"
    );
    // The exercise: its task, its skeleton, and its solution behind a closed <details>.
    assert!(page.contains("Return twice <code>x</code>"), "{page}");
    let details = page
        .find("<details class=\"solution\">")
        .expect("a solution");
    assert!(
        page[..details].contains("todo!"),
        "the skeleton comes first"
    );
    assert!(
        page[details..].contains("checked_mul"),
        "the solution is inside"
    );
    // A claim that holds leaves only its anchor.
    assert!(
        page.contains("<span class=\"claim\" id=\"claim-demo-pool-beats-loop\"></span>"),
        "{page}"
    );
    let search_index = std::fs::read_dir(fx.path().join("target/book"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("searchindex"));
    assert!(search_index, "the search index is built");
}

#[test]
fn a_changed_output_line_fails_naming_that_line_with_a_diff() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "bye\n", "goodbye\n");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!((report.verified, report.failed()), (3, 1), "{out}");
    fx.assert_snapshot("changed_output_line", &out);
}

#[test]
fn a_wildcard_does_not_hide_a_changed_literal() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "pid [..]\n", "process [..]\n");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(places(&report), ["book/src/demo.md:11"]);
}

#[test]
fn unordered_blocks_still_need_every_line() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "item c\n", "item d\n");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(places(&report), ["book/src/demo.md:19"]);
    // Without `unordered`, the reversed lines fail too.
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "```console,unordered", "```console");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.failed(), 1, "{:?}", report.problems);
}

#[test]
fn an_unexpected_exit_status_fails() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "```console,status=2", "```console");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.failed(), 1, "{out}");
    fx.assert_snapshot("unexpected_exit_status", &out);
}

#[test]
fn a_block_that_shows_only_wildcards_fails() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "hello, book\npid [..]\nbye\n", "[..]\n...\n");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(
        headlines(&report),
        [
            "book/src/demo.md:9: the block of `cargo run -p demo --example hello -- book` shows only wildcards: it would pass whatever the program printed; show the lines that matter"
        ]
    );
}

#[test]
fn a_compiler_error_the_book_shows_is_compiled_again_and_compared() {
    let fx = Fixture::new("demo");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    assert!(
        out.contains(
            "run        rustc --edition 2024 --crate-type lib crates/demo/compile_fail/rc.rs ... ok"
        ),
        "{out}"
    );
    // One expected line of the compiler's message broken: the check fails at it.
    fx.edit(
        PAGE,
        " --> crates/demo/compile_fail/rc.rs:6:24",
        " --> crates/demo/compile_fail/rc.rs:7:24",
    );
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(places(&report), ["book/src/demo.md:36"], "{out}");
    fx.assert_snapshot("compiler_error_changed", &out);
    // The headline is what the page teaches: no wildcard may stand in it.
    let fx = Fixture::new("demo");
    fx.edit(
        PAGE,
        "error[E0277]: `Rc<i32>` cannot",
        "error[E0277]: [..] cannot",
    );
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(places(&report), ["book/src/demo.md:34"]);
    assert!(
        report.problems[0].what.contains("without wildcards"),
        "{:?}",
        report.problems
    );
}

#[test]
fn a_hanging_example_is_killed_with_everything_it_started() {
    let fx = Fixture::new("demo");
    let token = format!("hang-token-{}", std::process::id());
    let text = fx.read(PAGE);
    fx.write(
        PAGE,
        &format!(
            "{text}\n```console,timeout=1\n$ cargo run -p demo --example hang -- {token}\nstarted\n```\n"
        ),
    );
    let opts = fx.options();
    // Build first, so that the time measured below is the run's, not the compiler's.
    fx.check(&opts).unwrap();
    let started = Instant::now();
    let (report, out) = fx.check(&opts).unwrap();
    let took = started.elapsed();
    assert_eq!(report.failed(), 1, "{out}");
    assert!(
        report.problems[0].what.ends_with(
            "killed after its timeout of 1.0 s (set a longer one with `console,timeout=SECONDS`)"
        ),
        "{:?}",
        report.problems
    );
    assert!(
        took < Duration::from_secs(15),
        "the whole check took {took:?}"
    );
    assert_eq!(
        processes_matching(&token).unwrap(),
        Vec::<i32>::new(),
        "no process of the hanging example may survive"
    );
}

#[test]
fn a_missing_anchor_or_file_is_reported_at_its_line() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "hello.rs:main}}", "hello.rs:nosuch}}");
    let (report, out) = fx.check(&fx.options()).unwrap();
    fx.assert_snapshot("missing_anchor", &out);
    assert_eq!(places(&report), ["book/src/demo.md:5"]);

    let fx = Fixture::new("demo");
    fx.edit(PAGE, "examples/hello.rs:main", "examples/gone.rs");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(places(&report), ["book/src/demo.md:5"]);
    assert!(
        report.problems[0].what.contains("cannot read"),
        "{:?}",
        report.problems
    );
}

#[test]
fn pages_and_crates_that_do_not_pair_are_reported() {
    let fx = Fixture::new("demo");
    fx.write(
        "crates/extra/Cargo.toml",
        "[package]\nname = \"extra\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    fx.write("crates/extra/src/lib.rs", "");
    fx.edit(
        "book/src/intro.md",
        "No code here.",
        "<!-- crate: ghost -->",
    );
    let (report, out) = fx.check(&fx.options()).unwrap();
    fx.assert_snapshot("unpaired_pages_and_crates", &out);
    assert_eq!(places(&report), ["book/src/intro.md:3", "crates/extra"]);

    let fx = Fixture::new("demo");
    fx.edit(PAGE, "<!-- crate: demo -->\n", "");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(
        headlines(&report)[..2],
        [
            "book/src/demo.md:1: the chapter shows code or runs examples but names no crate: add a line `<!-- crate: NAME -->`",
            "crates/demo: no chapter names this crate: add `<!-- crate: demo -->` to its page in book/src/SUMMARY.md, or remove the crate",
        ]
    );
}

#[test]
fn an_unknown_chapter_is_an_error_listing_the_known_ones() {
    let fx = Fixture::new("demo");
    let mut opts = fx.options();
    opts.chapters = vec!["nosuch".into()];
    let err = fx.check(&opts).unwrap_err().to_string();
    assert_eq!(err, "unknown chapter `nosuch`; known chapters: demo");
}

#[test]
fn a_failing_crate_test_fails_the_check() {
    let fx = Fixture::new("demo");
    fx.edit("crates/demo/src/lib.rs", "\"hello, book\"", "\"hi, book\"");
    let (report, out) = fx.check(&tests_only(&fx)).unwrap();
    assert_eq!(report.failed(), 1, "{out}");
    let problem = &report.problems[0];
    assert_eq!(
        problem.what,
        "the test program `demo (demo)`: exit code 101; its last lines:"
    );
    assert!(
        problem.detail.iter().any(|l| l.contains("greets")),
        "the failing test is named: {problem}"
    );
}

#[test]
fn a_broken_link_in_the_built_book_is_reported() {
    let fx = Fixture::new("demo");
    fx.edit(
        "book/src/intro.md",
        "No code here.",
        "See [the demo](demo.md#no-such-heading).",
    );
    let mut opts = fx.options();
    opts.examples = false;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    // The page itself, its copy as index.html, and the print page all carry the link.
    assert!(
        headlines(&report).contains(
            &"target/book/intro.html: link to demo.html#no-such-heading: no such anchor".to_owned()
        ),
        "{out}"
    );
    assert!(
        report
            .problems
            .iter()
            .all(|p| p.what.contains("no-such-heading")),
        "{out}"
    );
}

#[test]
fn bless_rewrites_a_changed_output_keeping_its_wildcards_and_the_next_check_passes() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "bye\n", "goodbye\n");
    let mut opts = fx.options();
    opts.bless = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    assert_eq!(report.blessed, 1, "{out}");
    // The diff of what it changed is printed.
    fx.assert_snapshot("bless", &out);
    let page = fx.read(PAGE);
    assert!(page.contains("hello, book\npid [..]\nbye\n"), "{page}");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    assert_eq!(report.verified, 4, "{out}");
}

#[test]
fn a_measured_figure_typed_into_the_prose_or_a_placeholder_naming_nothing_fails_at_its_line() {
    let fx = Fixture::new("demo");
    fx.edit(
        PAGE,
        "<!-- crate: demo -->\n",
        "<!-- crate: demo -->\n\nA thread starts in 12.3 µs, and {{#setting 5 s}} is a setting.\nIt takes {{#measured demo median nowhere}}.\n",
    );
    let (report, out) = fx.check(&fx.options()).unwrap();
    fx.assert_snapshot("typed_figure_and_bad_placeholder", &out);
    assert_eq!(
        places(&report),
        ["book/src/demo.md:4", "book/src/demo.md:5"]
    );
}

#[test]
fn an_edited_generated_file_fails_and_rendering_the_results_again_fixes_it() {
    let fx = Fixture::new("demo");
    let fragment = "book/src/generated/demo.md";
    fx.edit(fragment, "| 2.00× |", "| 2.50× |");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(
        headlines(&report),
        [
            "book/src/generated/demo.md:12: differs from what the results render to: run `cargo xtask bench --render`, which renders the committed results again (generated files are not edited by hand)"
        ]
    );
    let book = xtask::book::Book::load(fx.path()).unwrap();
    xtask::bench::render_again(&book, &mut Vec::new()).unwrap();
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.problems.is_empty(), "{out}");
}

#[test]
fn a_crates_folder_above_the_workspace_is_not_taken_for_the_chapters() {
    let fx = Fixture::new_at("demo", "crates/clone");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    assert_eq!(report.verified, 4, "{out}");
}

#[test]
fn the_workspace_is_found_from_the_current_folder_at_run_time() {
    let fx = Fixture::new("demo");
    let found = xtask::book::workspace::find_root_from(&fx.path().join("crates/demo/src")).unwrap();
    assert_eq!(
        found.canonicalize().unwrap(),
        fx.path().canonicalize().unwrap()
    );
    let err = xtask::book::workspace::find_root_from(std::path::Path::new("/")).unwrap_err();
    assert!(
        err.to_string().contains("not inside a Cargo workspace"),
        "{err}"
    );
}

#[test]
fn a_loom_step_that_runs_no_test_fails() {
    let fx = Fixture::new("demo");
    fx.write("crates/demo/tests/models.rs", "// no models yet\n");
    fx.edit(
        "crates/demo/Cargo.toml",
        "publish = false\n",
        "publish = false\n\n[features]\nloom = []\n\n[package.metadata.xtask]\nloom-tests = [\"models\"]\n",
    );
    let (report, out) = fx.check(&tests_only(&fx)).unwrap();
    assert_eq!(
        headlines(&report),
        [
            "`cargo test --locked --workspace --features demo/loom --test models` ran no test: a loom step must run its models"
        ],
        "{out}"
    );
}

#[test]
fn an_unknown_key_in_a_chapters_metadata_stops_the_check() {
    let fx = Fixture::new("demo");
    fx.edit(
        "crates/demo/Cargo.toml",
        "publish = false\n",
        "publish = false\n\n[package.metadata.xtask]\nloom-test = [\"models\"]\n",
    );
    let err = fx.check(&fx.options()).unwrap_err();
    assert_eq!(
        format!("{err:#}"),
        "crates/demo/Cargo.toml: [package.metadata.xtask]: unknown field `loom-test`, expected one of `loom-tests`, `ratios`, `costs`, `python-twins`, `probes`, `speedup-plots`, `bar-plots`, `diagrams`, `claims`"
    );
}

#[test]
fn an_exercise_whose_test_passes_on_the_skeleton_or_fails_on_the_solution_is_reported_at_its_line()
{
    let fx = Fixture::new("demo");
    // A test that never calls the exercise passes on `todo!()`: it tests nothing.
    fx.edit(
        EXERCISE,
        "    #[test]\n    fn doubles()",
        "    #[test]\n    fn arithmetic() {\n        assert_eq!(2 * 21, 42);\n    }\n\n    #[test]\n    fn doubles()",
    );
    let (report, out) = fx.check(&tests_only(&fx)).unwrap();
    assert_eq!(report.exercises, 0, "{out}");
    fx.assert_snapshot("exercise_test_passes_on_the_skeleton", &out);
    assert_eq!(places(&report), [format!("{EXERCISE}:17")]);

    // A wrong solution: the check names the test it fails, and runs again (no cache).
    let fx = Fixture::new("demo");
    fx.edit(EXERCISE, "x.checked_mul(2)", "Some(x.wrapping_mul(2))");
    let (report, out) = fx.check(&tests_only(&fx)).unwrap();
    assert!(
        headlines(&report).contains(&format!(
            "{EXERCISE}:22: test `does_not_overflow` fails on the solution"
        )),
        "{out}"
    );
}

#[test]
fn a_malformed_exercise_or_one_the_book_never_shows_or_shows_twice_fails_the_check() {
    let fx = Fixture::new("demo");
    fx.edit(EXERCISE, "    // solution: end\n", "");
    let (report, out) = fx.check(&tests_only(&fx)).unwrap();
    assert!(
        headlines(&report).contains(&format!(
            "{EXERCISE}:7: this region never ends: add `// solution: end`"
        )),
        "{out}"
    );

    let book_only = |fx: &Fixture| {
        let mut opts = fx.options();
        opts.examples = false;
        opts.book = true;
        opts
    };
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "{{#exercise demo double}}", "No exercise today.");
    let (_, out) = fx.check(&book_only(&fx)).unwrap();
    assert!(
        out.contains(
            "the book never shows this exercise: add `{{#exercise demo double}}` to its chapter"
        ),
        "{out}"
    );

    let fx = Fixture::new("demo");
    fx.edit(
        "book/src/intro.md",
        "No code here.",
        "No code here.\n\n{{#exercise demo double}}\n",
    );
    let (_, out) = fx.check(&book_only(&fx)).unwrap();
    assert!(
        out.contains("exercise `demo double` is shown twice in the book"),
        "{out}"
    );
}

#[test]
fn a_drawing_that_is_not_what_its_example_draws_fails_and_bless_draws_it_again() {
    let fx = Fixture::new("demo");
    fx.edit("crates/demo/Cargo.toml", "args = [\"3\"]", "args = [\"4\"]");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(
        headlines(&report),
        [format!(
            "{DRAWING}:5: is not what `cargo run -p demo --example draw -- 4` draws now: run `cargo xtask check --bless` to draw it again"
        )],
        "{out}"
    );

    let mut opts = fx.options();
    opts.bless = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    assert_eq!(report.blessed, 1, "{out}");
    assert_eq!(fx.read(DRAWING).matches("<rect").count(), 4);
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.problems.is_empty(), "{out}");
}

#[test]
fn a_drawing_that_changes_from_run_to_run_fails() {
    let fx = Fixture::new("demo");
    fx.edit(
        "crates/demo/Cargo.toml",
        "args = [\"3\"]",
        "args = [\"3\", \"--vary\"]",
    );
    let mut opts = fx.options();
    opts.bless = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert_eq!(
        headlines(&report),
        [format!(
            "{DRAWING}: `cargo run -p demo --example draw -- 3 --vary` drew two different pictures in two runs: it must draw the same bytes every time"
        )],
        "{out}"
    );
}

#[test]
fn a_comparison_of_measured_figures_without_a_claim_fails_at_its_paragraph() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, " {{#claim demo pool-beats-loop}}", "");
    let (report, out) = fx.check(&fx.options()).unwrap();
    fx.assert_snapshot("comparison_without_a_claim", &out);
    assert_eq!(
        places(&report),
        ["book/src/demo.md:43", "crates/demo/Cargo.toml:23"]
    );
}

#[test]
fn a_claim_that_holds_passes_and_one_that_does_not_fails_at_its_sentence_naming_the_numbers() {
    let fx = Fixture::new("demo");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    assert_eq!(report.claims_held, 1, "{out}");

    // The book's own (published) measurements: the pool's median edited to lose.
    fx.edit(RESULTS, "\"median\": 50.0", "\"median\": 99.0");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.claims_held, 0, "{out}");
    fx.assert_snapshot("claim_does_not_hold", &out);
    assert!(
        places(&report).contains(&"book/src/demo.md:44".to_owned()),
        "{out}"
    );
}

#[test]
fn on_a_readers_own_measurements_a_claim_that_does_not_hold_is_listed_and_noted_in_the_book() {
    let fx = Fixture::new("demo");
    fx.edit(RESULTS, "\"published\": true", "\"published\": false");
    fx.edit(RESULTS, "\"median\": 50.0", "\"median\": 120.0");
    fx.edit(RESULTS, "48.0,\n        52.0", "115.0,\n        125.0");
    // What `cargo xtask bench` would write from these numbers.
    let book = xtask::book::Book::load(fx.path()).unwrap();
    xtask::bench::render_again(&book, &mut Vec::new()).unwrap();
    let mut opts = fx.options();
    opts.examples = false;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    fx.assert_snapshot("claim_does_not_hold_here", &out);
    assert_eq!(report.claims_not_held_here.len(), 1, "{out}");
    let page = std::fs::read_to_string(fx.path().join("target/book/demo.html")).unwrap();
    assert!(
        page.contains("<span class=\"claim claim-failed\" id=\"claim-demo-pool-beats-loop\">(On this machine the measurements said otherwise: speed/pool 120 ns (115 ns – 125 ns) &lt; speed/loop 100 ns (95.0 ns – 105 ns); ratio loop-vs-pool 0.83× (0.76× – 0.91×) &gt;= 1.50×.)</span>"),
        "{page}"
    );
}

/// Gives the fixture a complete translation, `po/xx.po`, in which every message is its own
/// English (which keeps every placeholder): the translation rules pass, until a test breaks
/// one.
fn translated(fx: &Fixture) {
    let book = xtask::book::Book::load(fx.path()).unwrap();
    let messages = xtask::i18n::messages(&book).unwrap();
    let pot = xtask::i18n::catalog::template(&messages, "demo");
    std::fs::create_dir_all(fx.path().join("po")).unwrap();
    xtask::i18n::catalog::write(&pot, &fx.path().join("po/messages.pot")).unwrap();
    let po = std::fs::read_to_string(fx.path().join("po/messages.pot")).unwrap();
    // Each `msgstr ""` after a msgid that is not the header's takes the msgid's text.
    let mut out = String::new();
    let mut last_msgid = Vec::new();
    let mut in_msgid = false;
    for line in po.lines() {
        if let Some(rest) = line.strip_prefix("msgid ") {
            last_msgid = vec![rest.to_owned()];
            in_msgid = true;
        } else if in_msgid && line.starts_with('"') {
            last_msgid.push(line.to_owned());
        } else if line == "msgstr \"\""
            && last_msgid
                .first()
                .is_some_and(|f| f != "\"\"" || last_msgid.len() > 1)
        {
            in_msgid = false;
            out.push_str(&format!("msgstr {}\n", last_msgid.join("\n")));
            continue;
        } else {
            in_msgid = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    fx.write("po/xx.po", &out);
}

#[test]
fn a_translation_is_checked_built_and_linked_like_the_english_book() {
    let fx = Fixture::new("demo");
    translated(&fx);
    let mut opts = fx.options();
    opts.examples = false;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.problems.is_empty(), "{out}");
    assert!(out.contains("translate  po/xx.po: "), "{out}");
    let page = fx.read("target/book/xx/demo.html");
    assert!(page.contains("lang=\"xx\""), "{page}");
    // The headings keep the English anchors.
    assert!(page.contains("id=\"not-every-program-compiles\""), "{page}");
}

#[test]
fn a_changed_english_paragraph_fails_at_its_line_until_the_translation_is_revisited() {
    let fx = Fixture::new("demo");
    translated(&fx);
    fx.edit(PAGE, "the pool is faster.", "the pool is quicker.");
    let mut opts = fx.options();
    opts.examples = false;
    let (report, out) = fx.check(&opts).unwrap();
    let heads = headlines(&report);
    assert!(
        heads
            .iter()
            .any(|h| h.starts_with("book/src/demo.md:43: \"The loop takes")
                && h.contains("is new or changed, and po/xx.po has no translation of it")),
        "{out}"
    );
    assert!(
        heads
            .iter()
            .any(|h| h.starts_with("po/messages.pot: is not what the English sources give")),
        "{out}"
    );
    assert!(
        heads.iter().any(
            |h| h.starts_with("po/xx.po:") && h.contains("is no longer in the English sources")
        ),
        "{out}"
    );
}

#[test]
fn a_translation_that_changes_a_placeholder_fails_at_its_line_in_the_po_file() {
    let fx = Fixture::new("demo");
    translated(&fx);
    let po = fx.read("po/xx.po");
    let from = "msgstr \"\"\n\"The loop takes {{#measured demo median speed/loop}}";
    let at = po.find(from).expect("the message");
    let line = po[..at].matches('\n').count(); // the msgid's line, just above
    fx.edit(
        "po/xx.po",
        from,
        "msgstr \"\"\n\"The loop takes {{#measured demo median speed/pool}}",
    );
    let mut opts = fx.options();
    opts.examples = false;
    let (report, out) = fx.check(&opts).unwrap();
    let msgid_line = po
        .lines()
        .take(line)
        .enumerate()
        .filter(|(_, l)| l.starts_with("msgid "))
        .last()
        .unwrap()
        .0
        + 1;
    assert_eq!(
        headlines(&report),
        [format!(
            "po/xx.po:{msgid_line}: the translation does not keep the English placeholders (book/src/demo.md:43): missing {{{{#measured demo median speed/loop}}}}: added {{{{#measured demo median speed/pool}}}}"
        )],
        "{out}"
    );
}
