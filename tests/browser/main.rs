//! The book as a reader meets it: built, served over HTTP from 127.0.0.1, and opened in a real
//! (headless) Chromium, driven over the DevTools protocol. It proves that every chapter of
//! SUMMARY.md is in the sidebar and loads with its title, that Rust code is highlighted, that
//! the search box finds words, that every image has a size, that no page logs an error, and
//! that no request leaves this machine; that every SVG diagram loads, has alt text and paints
//! its own opaque background in a light and a dark theme; and that every exercise's solution
//! starts closed and opens on a click; and that the Korean edition renders Hangul, shows the
//! same code as the English one, and its language picker leads to the same page in English and
//! back. Screenshots go to `target/screenshots/`.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it the tests say SKIPPED loudly
//! and pass, except in CI (`CI` set), where a missing browser is a failure.

mod cdp;
mod chrome;
mod figures;
mod korean;
mod page;
mod server;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use cdp::Tab;

use chrome::{CHROMIUM_NAMES, Chromium, Seen, find_chromium};
use page::{
    check_highlighting, check_images, check_requests_stay_local, check_sidebar, check_title,
    is_local, open, screenshot, search, wait_until,
};
use server::Server;

/// The longest any single wait may take: a page load, a search, the browser's start.
pub const WAIT: Duration = Duration::from_secs(20);

#[test]
fn the_book_works_in_a_browser() -> Result<()> {
    let started = Instant::now();
    let Some(session) = Session::start()? else {
        return Ok(());
    };
    let Session {
        tab,
        seen,
        chapters,
        origin,
        shots,
        ..
    } = &session;

    // The console check must be able to fail: an error logged on purpose must be seen.
    open(tab, &format!("{origin}/"))?;
    tab.evaluate("console.error('browser test: probe')", false)?;
    wait_until(
        || {
            // Events come in with the answers to calls: this one brings what came before.
            tab.evaluate("0", false)?;
            Ok(seen.errors().iter().any(|e| e.contains("probe")))
        },
        "the probe error",
    )?;
    seen.clear_errors();
    check_title(tab, &chapters[0].title)?;

    let (mut rust_blocks, mut images, mut taken) = (0, 0, Vec::new());
    for chapter in chapters {
        open(tab, &format!("{origin}/{}", chapter.html))?;
        check_title(tab, &chapter.title)?;
        check_sidebar(tab, chapters, chapter)?;
        let blocks = check_highlighting(tab, &chapter.html)?;
        rust_blocks += blocks;
        images += check_images(tab, &chapter.html)?;
        check_requests_stay_local(tab, origin)?;
        // Two pictures: the first page, and the first chapter with Rust code, at its code.
        if taken.is_empty() || (taken.len() == 1 && blocks > 0) {
            let file = shots.join(chapter.html.replace(".html", ".png"));
            let code = (blocks > 0).then_some("pre code.language-rust");
            screenshot(tab, &file, code)?;
            taken.push(file);
        }
    }
    ensure!(rust_blocks > 0, "no page has a ```rust block to check");
    ensure!(taken.len() == 2, "took {taken:?}, not two screenshots");

    search(tab, "rayon", &["rayon"])?;
    screenshot(tab, &shots.join("search-rayon.png"), None)?;
    search(tab, "Pool.map", &["pool.map"])?;

    // Every request the browser made, by any page, script or image, went to our server.
    let requests = seen.requests();
    ensure!(!requests.is_empty(), "the network listener saw no request");
    let outside: Vec<_> = requests
        .iter()
        .filter(|url| !is_local(url, origin))
        .collect();
    ensure!(outside.is_empty(), "requests left localhost: {outside:#?}");
    session.finish()?;

    eprintln!(
        "browser test: {} chapters, {rust_blocks} highlighted rust blocks, {images} images, \
         {} requests (all to {origin}), screenshots {taken:?} and search-rayon.png, {:.1} s",
        chapters.len(),
        requests.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[test]
fn the_korean_edition_renders_hangul_and_the_picker_moves_between_editions() -> Result<()> {
    let Some(session) = Session::start()? else {
        return Ok(());
    };
    let ko = xtask::i18n::Translation::load(workspace_tests::book(), "ko")?;
    let korean: Vec<Chapter> = session
        .chapters
        .iter()
        .map(|c| Chapter {
            title: ko.message(&c.title).unwrap_or(&c.title).to_owned(),
            html: c.html.clone(),
        })
        .collect();
    korean::every_korean_page(&session, &korean)?;
    korean::picker_moves_between_editions(&session)?;
    session.finish()
}

#[test]
fn diagrams_load_with_alt_text_in_light_and_dark_themes() -> Result<()> {
    let Some(session) = Session::start()? else {
        return Ok(());
    };
    figures::every_diagram_in_two_themes(&session)?;
    session.finish()
}

#[test]
fn solutions_start_closed_and_open_on_a_click() -> Result<()> {
    let Some(session) = Session::start()? else {
        return Ok(());
    };
    figures::every_solution_opens(&session)?;
    session.finish()
}

/// Both editions, built once for all the tests of this program (a build renders every page
/// of both), and copied to `target/browser-test/book/`: others may rebuild target/book
/// (`cargo xtask check`) while we browse.
fn built_book() -> Result<&'static Path> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let build = || -> Result<PathBuf> {
            // Every edition: the English book, each translation under `LANG/` inside it.
            let index = xtask::render::html::build_all(workspace_tests::book())?.remove(0);
            let copy = workspace_tests::target_dir().join("browser-test/book");
            if copy.exists() {
                fs::remove_dir_all(&copy)?;
            }
            xtask::files::copy_tree(
                index.parent().context("index.html has a folder")?,
                &copy,
                &|_| false,
            )?;
            Ok(copy)
        };
        build().map_err(|e| format!("{e:#}"))
    });
    match built {
        Ok(dir) => Ok(dir),
        Err(e) => bail!("the book did not build: {e}"),
    }
}

/// A chapter as SUMMARY.md lists it.
#[derive(Debug)]
pub struct Chapter {
    pub title: String,
    /// The built page, e.g. `threads.html`.
    pub html: String,
}

/// Every `[Title](page.md)` of SUMMARY.md, in order (drafts, with no page, are skipped).
fn summary_chapters(summary: &Path) -> Result<Vec<Chapter>> {
    let text = fs::read_to_string(summary)?;
    let mut chapters = Vec::new();
    for line in text.lines() {
        let Some((_, rest)) = line.split_once('[') else {
            continue;
        };
        let Some((title, rest)) = rest.split_once("](") else {
            continue;
        };
        let Some((page, _)) = rest.split_once(')') else {
            continue;
        };
        if let Some(stem) = page.strip_suffix(".md") {
            chapters.push(Chapter {
                title: title.to_string(),
                html: format!("{stem}.html"),
            });
        }
    }
    Ok(chapters)
}

/// The book built and served, and a browser with one tab on it. The fields are dropped in
/// order: the tab (the browser's connection) first, Chromium (killed) next, the server and
/// the snapshot of the book last. One session at a time: two browsers at once on a small
/// machine make every wait slower, and the book is built into the same folder.
pub struct Session {
    pub tab: Tab,
    pub seen: Arc<Seen>,
    _chromium: Chromium,
    server: Server,
    pub origin: String,
    pub chapters: Vec<Chapter>,
    pub shots: PathBuf,
    /// The served copy of the book, where a test may add a page of its own.
    pub snapshot: tempfile::TempDir,
    _one_at_a_time: MutexGuard<'static, ()>,
}

impl Session {
    /// `None` when there is no Chromium outside CI (the test is then skipped, loudly).
    fn start() -> Result<Option<Session>> {
        static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
        let guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let Some(exe) = find_chromium() else {
            let why = format!(
                "chromium not found (looked for {} on PATH); install it with \
                 `apt-get install chromium` to run the browser test",
                CHROMIUM_NAMES.join(", ")
            );
            if std::env::var_os("CI").is_some() {
                bail!("{why}: CI must run this test (.ci/run installs chromium)");
            }
            let bar = "!".repeat(78);
            // Straight to stderr: the test harness hides what `eprintln!` prints in a passing
            // test.
            let _ = writeln!(std::io::stderr(), "\n{bar}\nSKIPPED: {why}\n{bar}\n");
            return Ok(None);
        };
        let root = workspace_tests::root();
        // Each session serves its own copy, where a test may add a page of its own.
        let snapshot = tempfile::tempdir()?;
        xtask::files::copy_tree(built_book()?, snapshot.path(), &|_| false)?;
        let chapters = summary_chapters(&root.join("book/src/SUMMARY.md"))?;
        ensure!(!chapters.is_empty(), "SUMMARY.md lists no chapter");
        let shots = workspace_tests::target_dir().join("screenshots");
        fs::create_dir_all(&shots)?;

        let server = Server::start(snapshot.path())?;
        let origin = format!("http://{}", server.addr);
        let chromium = Chromium::launch(&exe)?;
        let tab = Tab::open(&chromium.ws_url)?;
        let seen = Seen::listen(&tab)?;
        Ok(Some(Session {
            tab,
            seen,
            _chromium: chromium,
            server,
            origin,
            chapters,
            shots,
            snapshot,
            _one_at_a_time: guard,
        }))
    }

    /// What every test ends with: nothing was missing from the server, no page logged an
    /// error.
    fn finish(&self) -> Result<()> {
        // Events come in with the answers to calls: this one brings every one still on its way.
        self.tab.evaluate("0", false)?;
        let missing = self.server.not_found();
        ensure!(
            missing.is_empty(),
            "the server answered 404 for: {missing:?}"
        );
        let errors = self.seen.errors();
        ensure!(errors.is_empty(), "console errors: {errors:#?}");
        Ok(())
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}
