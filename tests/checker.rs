//! The checker must fail when the book and the code disagree, and say where.

use std::time::{Duration, Instant};

use workspace_tests::Fixture;
use xtask::runner::processes_matching;

const PAGE: &str = "book/src/demo.md";

#[test]
fn the_fixture_book_passes_every_step() {
    let fx = Fixture::new("demo");
    let mut opts = fx.options();
    opts.tests = true;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.failures.is_empty(), "{out}");
    assert_eq!(report.verified, 3, "{out}");
    assert_eq!(report.exercises, 1, "{out}");
    assert_eq!(
        report.summary(),
        "check: 3 examples verified, 1 exercises verified (solutions pass, skeletons fail), 1 claims hold, 0 failed"
    );
    assert!(
        out.contains("exercises  demo ... ok (1 exercises: double (easy))"),
        "{out}"
    );
    assert!(
        out.contains("diagram    book/src/generated/demo-bars.svg ... ok"),
        "{out}"
    );
    assert!(
        out.contains("tests      demo (demo) ... ok (3 passed"),
        "{out}"
    );
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
    assert_eq!((report.verified, report.failed()), (2, 1), "{out}");
    let failure = &report.failures[0];
    assert!(
        failure.starts_with("book/src/demo.md:12: `cargo run -p demo --example hello -- book`"),
        "{failure}"
    );
    assert!(failure.contains("-goodbye"), "{failure}");
    assert!(failure.contains("+bye"), "{failure}");
    assert!(out.contains("FAILED"), "{out}");
}

#[test]
fn a_wildcard_does_not_hide_a_changed_literal() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "pid [..]\n", "process [..]\n");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert!(
        report.failures[0].starts_with("book/src/demo.md:11:"),
        "{:?}",
        report.failures
    );
}

#[test]
fn unordered_blocks_still_need_every_line() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "item c\n", "item d\n");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.failed(), 1);
    assert!(
        report.failures[0].contains("shuffle"),
        "{:?}",
        report.failures
    );
    // Without `unordered`, the reversed lines fail too.
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "```console,unordered", "```console");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.failed(), 1, "{:?}", report.failures);
}

#[test]
fn an_unexpected_exit_status_fails() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "```console,status=2", "```console");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.failed(), 1);
    assert!(
        report.failures[0].contains("ended with exit code 2, expected exit code 0"),
        "{:?}",
        report.failures
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
    let mut opts = fx.options();
    // Build first, so that the time measured below is the run's, not the compiler's.
    opts.examples = true;
    fx.check(&opts).unwrap();
    let started = Instant::now();
    let (report, out) = fx.check(&opts).unwrap();
    let took = started.elapsed();
    assert_eq!(report.failed(), 1, "{out}");
    assert!(
        report.failures[0].contains("killed after its timeout of 1.0 s"),
        "{:?}",
        report.failures
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
fn a_missing_anchor_is_reported_at_its_line() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "hello.rs:main}}", "hello.rs:nosuch}}");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(
        report.failures.iter().any(|f| f.starts_with(
            "book/src/demo.md:5: `../../crates/demo/examples/hello.rs:nosuch`: no `ANCHOR: nosuch`"
        )),
        "{out}"
    );
}

#[test]
fn a_missing_included_file_is_reported() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "examples/hello.rs:main", "examples/gone.rs");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.starts_with("book/src/demo.md:5:") && f.contains("cannot read")),
        "{:?}",
        report.failures
    );
}

#[test]
fn an_orphan_crate_is_reported() {
    let fx = Fixture::new("demo");
    fx.write(
        "crates/extra/Cargo.toml",
        "[package]\nname = \"extra\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    fx.write("crates/extra/src/lib.rs", "");
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.starts_with("crates/extra: no chapter names this crate")),
        "{:?}",
        report.failures
    );
}

#[test]
fn a_chapter_with_code_but_no_crate_is_reported() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, "<!-- crate: demo -->\n", "");
    let (report, _) = fx.check(&fx.options()).unwrap();
    let f = &report.failures;
    assert!(
        f.iter().any(
            |f| f.starts_with("book/src/demo.md:1: the chapter shows code")
                && f.contains("names no crate")
        ),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|f| f.starts_with("crates/demo: no chapter names this crate")),
        "{f:?}"
    );
}

#[test]
fn a_chapter_naming_a_missing_crate_is_reported() {
    let fx = Fixture::new("demo");
    fx.edit(
        "book/src/intro.md",
        "No code here.",
        "<!-- crate: ghost -->",
    );
    let (report, _) = fx.check(&fx.options()).unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.starts_with("book/src/intro.md:3: the chapter names crate `ghost`")),
        "{:?}",
        report.failures
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
    assert!(
        report.failures[0].starts_with("the test program `demo (demo)`: exit code 101"),
        "{:?}",
        report.failures
    );
    assert!(
        report.failures[0].contains("greets"),
        "the failing test is named"
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
        report
            .failures
            .iter()
            .any(|f| f.ends_with("intro.html: link to demo.html#no-such-heading: no such anchor")),
        "{out}"
    );
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.contains("no-such-heading")),
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
    assert!(report.failures.is_empty(), "{out}");
    assert_eq!(report.blessed, 1, "{out}");
    // The diff of what it changed is printed.
    assert!(out.contains("-goodbye") && out.contains("+bye"), "{out}");
    let page = fx.read(PAGE);
    assert!(page.contains("hello, book\npid [..]\nbye\n"), "{page}");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.failures.is_empty(), "{out}");
    assert_eq!(report.verified, 3, "{out}");
}

#[test]
fn a_measured_figure_typed_into_the_prose_fails_at_its_line() {
    let fx = Fixture::new("demo");
    fx.edit(
        PAGE,
        "<!-- crate: demo -->\n",
        "<!-- crate: demo -->\n\nA thread starts in 12.3 µs, and {{#setting 5 s}} is a setting.\n",
    );
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.failed(), 1, "{out}");
    assert!(
        report.failures[0].starts_with("book/src/demo.md:4: `12.3 µs` is typed by hand"),
        "{:?}",
        report.failures
    );
}

#[test]
fn a_placeholder_naming_nothing_measured_fails_at_its_line() {
    let fx = Fixture::new("demo");
    fx.edit(
        PAGE,
        "<!-- crate: demo -->\n",
        "<!-- crate: demo -->\n\nIt takes {{#measured demo median nowhere}}.\n",
    );
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.failed(), 1, "{out}");
    assert!(
        report.failures[0].starts_with("book/src/demo.md:4: `{{#measured demo median nowhere}}`"),
        "{:?}",
        report.failures
    );
}

#[test]
fn a_crates_folder_above_the_workspace_is_not_taken_for_the_chapters() {
    let fx = Fixture::new_at("demo", "crates/clone");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.failures.is_empty(), "{out}");
    assert_eq!(report.verified, 3, "{out}");
}

#[test]
fn the_workspace_is_found_from_the_current_folder_at_run_time() {
    let fx = Fixture::new("demo");
    let found = xtask::workspace::find_root_from(&fx.path().join("crates/demo/src")).unwrap();
    assert_eq!(
        found.canonicalize().unwrap(),
        fx.path().canonicalize().unwrap()
    );
    let err = xtask::workspace::find_root_from(std::path::Path::new("/")).unwrap_err();
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
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.contains("ran no test: a loom step must run its models")),
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
    let text = format!("{err:#}");
    assert!(
        text.contains(
            "crates/demo/Cargo.toml: [package.metadata.xtask]: unknown field `loom-test`"
        ),
        "{text}"
    );
}

/// Set in the copy of this test binary that the interrupt test starts: the fixture to check.
const INTERRUPTED_FIXTURE: &str = "XTASK_TEST_INTERRUPTED_FIXTURE";

#[test]
fn ctrl_c_during_a_check_kills_the_running_example_and_all_it_started() {
    use nix::sys::signal::{Signal, kill, killpg};
    use nix::unistd::Pid;
    use std::io::Read;
    use std::process::{Command, Stdio};

    if let Ok(root) = std::env::var(INTERRUPTED_FIXTURE) {
        // The copy: a check with the interrupt handler installed, as `cargo xtask check` has.
        xtask::runner::install_interrupt_handler().unwrap();
        let mut opts = xtask::check::Options::new(&root);
        opts.target_dir = Some(std::path::Path::new(&root).join("target"));
        opts.tests = false;
        opts.book = false;
        let result = xtask::check::run(&opts, &mut std::io::stdout());
        panic!("the check returned instead of the process exiting: {result:?}");
    }

    let fx = Fixture::new("demo");
    let token = format!("interrupt-token-{}", std::process::id());
    let text = fx.read(PAGE);
    fx.write(
        PAGE,
        &format!(
            "{text}\n```console,timeout=600\n$ cargo run -p demo --example hang -- {token}\nstarted\n```\n"
        ),
    );
    let mut copy = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "ctrl_c_during_a_check_kills_the_running_example_and_all_it_started",
            "--nocapture",
        ])
        .env(INTERRUPTED_FIXTURE, fx.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let matching = || processes_matching(&token).unwrap();
    // The example and its grandchild both carry the token; the build may come first.
    let give_up = Instant::now() + Duration::from_secs(300);
    while matching().len() < 2 && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(50));
    }
    let running = matching().len();
    let pid = Pid::from_raw(i32::try_from(copy.id()).unwrap());
    kill(pid, Signal::SIGINT).unwrap();
    let give_up = Instant::now() + Duration::from_secs(20);
    while copy.try_wait().unwrap().is_none() && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(50));
    }
    if copy.try_wait().unwrap().is_none() {
        let _ = kill(pid, Signal::SIGKILL);
    }
    let status = copy.wait().unwrap();
    let mut stderr = String::new();
    copy.stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let left = matching();
    // After a failure, leave nothing behind: kill what is left with its group.
    for pid in &left {
        let _ = killpg(Pid::from_raw(*pid), Signal::SIGKILL);
        let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
    }
    assert_eq!(running, 2, "the example and its grandchild ran: {stderr}");
    assert_eq!(
        left,
        Vec::<i32>::new(),
        "no process of the example may survive"
    );
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted by SIGINT: killed 1 running program(s)"),
        "{stderr}"
    );
}

const EXERCISE: &str = "crates/demo/src/exercises/double.rs";

/// Options for the build, the tests and the exercises only.
fn tests_only(fx: &Fixture) -> xtask::check::Options {
    let mut opts = fx.options();
    opts.examples = false;
    opts.tests = true;
    opts
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
    assert_eq!(
        report.failures,
        [format!(
            "{EXERCISE}:17: test `arithmetic` passes on the skeleton (todo!()): it does not test the exercise"
        )],
        "{out}"
    );

    // A wrong solution: the check names the test it fails, and runs again (no cache).
    let fx = Fixture::new("demo");
    fx.edit(EXERCISE, "x.checked_mul(2)", "Some(x.wrapping_mul(2))");
    let (report, out) = fx.check(&tests_only(&fx)).unwrap();
    let exercise_failures: Vec<&String> = report
        .failures
        .iter()
        .filter(|f| f.starts_with(EXERCISE))
        .collect();
    assert_eq!(
        exercise_failures,
        [&format!(
            "{EXERCISE}:22: test `does_not_overflow` fails on the solution"
        )],
        "{out}"
    );
}

#[test]
fn a_malformed_exercise_or_one_the_book_never_shows_fails_the_check() {
    let fx = Fixture::new("demo");
    fx.edit(EXERCISE, "    // solution: end\n", "");
    let (report, out) = fx.check(&tests_only(&fx)).unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f == &format!("{EXERCISE}:7: this region never ends: add `// solution: end`")),
        "{out}"
    );

    let fx = Fixture::new("demo");
    fx.edit(PAGE, "{{#exercise demo double}}", "No exercise today.");
    let mut opts = fx.options();
    opts.examples = false;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(
        report.failures.iter().any(|f| f.contains(
            "the book never shows this exercise: add `{{#exercise demo double}}` to its chapter"
        )),
        "{out}"
    );

    let fx = Fixture::new("demo");
    fx.edit(
        "book/src/intro.md",
        "No code here.",
        "No code here.\n\n{{#exercise demo double}}\n",
    );
    let mut opts = fx.options();
    opts.examples = false;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.contains("exercise `demo double` is shown twice in the book")),
        "{out}"
    );
}

const DRAWING: &str = "book/src/generated/demo-bars.svg";

#[test]
fn a_drawing_that_is_not_what_its_example_draws_fails_and_bless_draws_it_again() {
    let fx = Fixture::new("demo");
    fx.edit("crates/demo/Cargo.toml", "args = [\"3\"]", "args = [\"4\"]");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(
        report.failures,
        [format!(
            "{DRAWING} is not what `cargo run -p demo --example draw -- 4` draws now: run `cargo xtask check --bless` to draw it again"
        )],
        "{out}"
    );

    let mut opts = fx.options();
    opts.bless = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.failures.is_empty(), "{out}");
    assert_eq!(report.blessed, 1, "{out}");
    assert_eq!(fx.read(DRAWING).matches("<rect").count(), 4);
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.failures.is_empty(), "{out}");
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
        report.failures,
        [format!(
            "{DRAWING}: `cargo run -p demo --example draw -- 3 --vary` drew two different pictures in two runs: it must draw the same bytes every time"
        )],
        "{out}"
    );
}

const RESULTS: &str = "book/src/generated/demo.json";

#[test]
fn a_comparison_of_measured_figures_without_a_claim_fails_at_its_paragraph() {
    let fx = Fixture::new("demo");
    fx.edit(PAGE, " {{#claim demo pool-beats-loop}}", "");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(
        report.failures.iter().any(|f| f.starts_with(
            "book/src/demo.md:29: this paragraph compares measured figures (\"faster\") but marks no claim"
        )),
        "{out}"
    );
    assert!(
        report.failures.iter().any(|f| f.starts_with(
            "crates/demo/Cargo.toml:23: claim `pool-beats-loop` is marked on no page"
        )),
        "{out}"
    );
}

#[test]
fn a_claim_that_holds_passes_and_one_that_does_not_fails_at_its_sentence_naming_the_numbers() {
    let fx = Fixture::new("demo");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert!(report.failures.is_empty(), "{out}");
    assert_eq!(report.claims_held, 1, "{out}");

    // The book's own (published) measurements: the pool's median edited to lose.
    fx.edit(RESULTS, "\"median\": 50.0", "\"median\": 99.0");
    let (report, out) = fx.check(&fx.options()).unwrap();
    assert_eq!(report.claims_held, 0, "{out}");
    let failure = report
        .failures
        .iter()
        .find(|f| f.contains("{{#claim demo pool-beats-loop}}"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        failure,
        "book/src/demo.md:30: `{{#claim demo pool-beats-loop}}`: the claim \"the pool is faster than the loop\" does not hold on the book's measurements: `speed/pool` 99.0 ns (48.0 ns – 52.0 ns) < `speed/loop` 100 ns (95.0 ns – 105 ns); ratio `loop-vs-pool` 1.01× (0.96× – 2.19×) >= 1.50×: reword the sentence and its claim in crates/demo/Cargo.toml, or measure again (`cargo xtask bench --publish demo`)"
    );
}

#[test]
fn on_a_readers_own_measurements_a_claim_that_does_not_hold_is_listed_and_noted_in_the_book() {
    let fx = Fixture::new("demo");
    fx.edit(RESULTS, "\"published\": true", "\"published\": false");
    fx.edit(RESULTS, "\"median\": 50.0", "\"median\": 120.0");
    fx.edit(RESULTS, "48.0,\n        52.0", "115.0,\n        125.0");
    // What `cargo xtask bench` would write from these numbers.
    let ws = xtask::workspace::Workspace::load(fx.path()).unwrap();
    xtask::bench::render_again(&ws, &mut Vec::new()).unwrap();
    let mut opts = fx.options();
    opts.examples = false;
    opts.book = true;
    let (report, out) = fx.check(&opts).unwrap();
    assert!(report.failures.is_empty(), "{out}");
    assert_eq!(
        report.claims_not_held_here,
        [
            "book/src/demo.md:30: \"the pool is faster than the loop\": `speed/pool` 120 ns (115 ns – 125 ns) < `speed/loop` 100 ns (95.0 ns – 105 ns); ratio `loop-vs-pool` 0.83× (0.76× – 0.91×) >= 1.50×"
        ],
        "{out}"
    );
    assert!(
        report
            .summary()
            .ends_with("0 failed, 1 claims did not hold on this machine"),
        "{}",
        report.summary()
    );
    let page = std::fs::read_to_string(fx.path().join("target/book/demo.html")).unwrap();
    assert!(
        page.contains("<span class=\"claim claim-failed\" id=\"claim-demo-pool-beats-loop\">(On this machine the measurements said otherwise: speed/pool 120 ns (115 ns – 125 ns) &lt; speed/loop 100 ns (95.0 ns – 105 ns); ratio loop-vs-pool 0.83× (0.76× – 0.91×) &gt;= 1.50×.)</span>"),
        "{page}"
    );
}
