//! The book as a reader meets it: built, served over HTTP from 127.0.0.1, and opened in a real
//! (headless) Chromium, driven over the DevTools protocol. It proves that every chapter of
//! SUMMARY.md is in the sidebar and loads with its title, that Rust code is highlighted, that
//! the search box finds words, that every image has a size, that no page logs an error, and
//! that no request leaves this machine. Screenshots go to `target/screenshots/`.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it the test says SKIPPED loudly
//! and passes, except in CI (`CI` set), where a missing browser is a failure.

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Network;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, Tab};

/// The longest any single wait may take: a page load, a search, the browser's start.
const WAIT: Duration = Duration::from_secs(20);

/// The names Chromium goes by on PATH: Debian's first.
const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

#[test]
fn the_book_works_in_a_browser() -> Result<()> {
    let started = Instant::now();
    let Some(chromium) = find_chromium() else {
        let why = format!(
            "chromium not found (looked for {} on PATH); install it with \
             `apt-get install chromium` to run the browser test",
            CHROMIUM_NAMES.join(", ")
        );
        if std::env::var_os("CI").is_some() {
            bail!("{why}: CI must run this test (.ci/run installs chromium)");
        }
        let bar = "!".repeat(78);
        // Straight to stderr: the test harness hides what `eprintln!` prints in a passing test.
        let _ = writeln!(std::io::stderr(), "\n{bar}\nSKIPPED: {why}\n{bar}\n");
        return Ok(());
    };

    let root = workspace_tests::root();
    let index = xtask::build_book(&root)?;
    // Serve a snapshot: others may rebuild target/book (`cargo xtask check`) while we browse.
    let snapshot = tempfile::tempdir()?;
    xtask::workspace::copy_tree(
        index.parent().context("index.html has a folder")?,
        snapshot.path(),
        &|_| false,
    )?;
    let chapters = summary_chapters(&root.join("book/src/SUMMARY.md"))?;
    ensure!(!chapters.is_empty(), "SUMMARY.md lists no chapter");
    let shots = workspace_tests::target_dir().join("screenshots");
    fs::create_dir_all(&shots)?;

    let server = Server::start(snapshot.path())?;
    let origin = format!("http://{}", server.addr);
    // Declared before `browser`, so dropped after it: the browser is always killed last.
    let chromium = Chromium::launch(&chromium)?;
    let browser = Browser::connect_with_timeout(chromium.ws_url.clone(), WAIT)?;
    let tab = browser.new_tab()?;
    tab.set_default_timeout(WAIT);
    let seen = Seen::listen(&tab)?;

    // The console check must be able to fail: an error logged on purpose must be seen.
    open(&tab, &format!("{origin}/"))?;
    tab.evaluate("console.error('browser test: probe')", false)?;
    wait_until(
        || Ok(seen.errors().iter().any(|e| e.contains("probe"))),
        "the probe error",
    )?;
    seen.clear_errors();
    check_title(&tab, &chapters[0].title)?;

    let (mut rust_blocks, mut images, mut taken) = (0, 0, Vec::new());
    for chapter in &chapters {
        open(&tab, &format!("{origin}/{}", chapter.html))?;
        check_title(&tab, &chapter.title)?;
        check_sidebar(&tab, &chapters, chapter)?;
        let blocks = check_highlighting(&tab, &chapter.html)?;
        rust_blocks += blocks;
        images += check_images(&tab, &chapter.html)?;
        check_requests_stay_local(&tab, &origin)?;
        // Two pictures: the first page, and the first chapter with Rust code, at its code.
        if taken.is_empty() || (taken.len() == 1 && blocks > 0) {
            let file = shots.join(chapter.html.replace(".html", ".png"));
            let code = (blocks > 0).then_some("pre code.language-rust");
            screenshot(&tab, &file, code)?;
            taken.push(file);
        }
    }
    ensure!(rust_blocks > 0, "no page has a ```rust block to check");
    ensure!(taken.len() == 2, "took {taken:?}, not two screenshots");

    search(&tab, "rayon", &["rayon"])?;
    screenshot(&tab, &shots.join("search-rayon.png"), None)?;
    search(&tab, "Pool.map", &["pool.map"])?;

    // Every request the browser made, by any page, script or image, went to our server.
    let requests = seen.requests();
    ensure!(!requests.is_empty(), "the network listener saw no request");
    let outside: Vec<_> = requests
        .iter()
        .filter(|url| !is_local(url, &origin))
        .collect();
    ensure!(outside.is_empty(), "requests left localhost: {outside:#?}");
    let missing = server.not_found();
    ensure!(
        missing.is_empty(),
        "the server answered 404 for: {missing:?}"
    );
    let errors = seen.errors();
    ensure!(errors.is_empty(), "console errors: {errors:#?}");

    eprintln!(
        "browser test: {} chapters, {rust_blocks} highlighted rust blocks, {images} images, \
         {} requests (all to {origin}), screenshots {taken:?} and search-rayon.png, {:.1} s",
        chapters.len(),
        requests.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A chapter as SUMMARY.md lists it.
#[derive(Debug)]
struct Chapter {
    title: String,
    /// The built page, e.g. `threads.html`.
    html: String,
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

/// Navigates and waits for the page, its images and scripts, to finish loading.
fn open(tab: &Tab, url: &str) -> Result<()> {
    tab.navigate_to(url)?;
    // Until the new document replaces the old one, `location` still names the old page.
    wait_until(
        || {
            let state = eval_string(tab, "location.href + ' ' + document.readyState")?;
            Ok(state == format!("{url} complete"))
        },
        &format!("{url} to load"),
    )
}

fn check_title(tab: &Tab, title: &str) -> Result<()> {
    let shown = tab.get_title()?;
    ensure!(
        shown.starts_with(&format!("{title} - ")),
        "the page of {title:?} is titled {shown:?}"
    );
    let h1 = eval_string(tab, "document.querySelector('main h1')?.textContent ?? ''")?;
    ensure!(!h1.is_empty(), "the page of {title:?} has no heading");
    Ok(())
}

/// Every chapter is a link in the sidebar, and the open one is marked as such.
fn check_sidebar(tab: &Tab, chapters: &[Chapter], current: &Chapter) -> Result<()> {
    let links = eval_string(
        tab,
        "[...document.querySelectorAll('#mdbook-sidebar a[href]')]
            .map(a => a.getAttribute('href') + '\\t' + a.classList.contains('active')
                      + '\\t' + a.textContent.trim()).join('\\n')",
    )?;
    let links: Vec<Vec<&str>> = links.lines().map(|l| l.splitn(3, '\t').collect()).collect();
    for chapter in chapters {
        let link = links
            .iter()
            .find(|link| link[0].rsplit('/').next() == Some(chapter.html.as_str()));
        let Some(link) = link else {
            bail!(
                "{}: the sidebar has no link to {}",
                current.html,
                chapter.html
            );
        };
        ensure!(
            link[2].ends_with(&chapter.title),
            "{}: the sidebar calls {} {:?}",
            current.html,
            chapter.html,
            link[2]
        );
        let active = link[1] == "true";
        ensure!(
            active == std::ptr::eq(chapter, current),
            "{}: the sidebar marks the wrong chapter as open ({} active: {active})",
            current.html,
            chapter.html
        );
    }
    Ok(())
}

/// Every ```rust block went through highlight.js; returns how many there are.
fn check_highlighting(tab: &Tab, page: &str) -> Result<usize> {
    let counts = eval_string(
        tab,
        "(() => {
            const blocks = [...document.querySelectorAll('pre code.language-rust')];
            const done = blocks.filter(b => b.classList.contains('hljs')
                && b.querySelector('span[class^=\"hljs-\"]'));
            return blocks.length + ' ' + done.length;
        })()",
    )?;
    let (blocks, done) = counts.split_once(' ').context("two counts")?;
    let (blocks, done): (usize, usize) = (blocks.parse()?, done.parse()?);
    ensure!(
        done == blocks,
        "{page}: only {done} of {blocks} rust blocks are highlighted"
    );
    Ok(blocks)
}

/// Every `<img>` loaded and has a size; returns how many there are.
fn check_images(tab: &Tab, page: &str) -> Result<usize> {
    let images = eval_string(
        tab,
        "[...document.images].map(i => i.getAttribute('src') + '\\t' + i.complete
            + '\\t' + i.naturalWidth + '\\t' + i.naturalHeight).join('\\n')",
    )?;
    let mut count = 0;
    for image in images.lines() {
        let fields: Vec<&str> = image.split('\t').collect();
        let [src, complete, width, height] = fields[..] else {
            bail!("{page}: cannot read image {image:?}");
        };
        ensure!(
            complete == "true" && width != "0" && height != "0",
            "{page}: image {src} did not render (complete {complete}, {width} x {height})"
        );
        count += 1;
    }
    Ok(count)
}

/// The page's own record of what it fetched (the Resource Timing API), beside the
/// protocol's network events that `Seen` collects for the whole run.
fn check_requests_stay_local(tab: &Tab, origin: &str) -> Result<()> {
    let urls = eval_string(
        tab,
        "performance.getEntries().filter(e => e.entryType === 'navigation'
            || e.entryType === 'resource').map(e => e.name).join('\\n')",
    )?;
    ensure!(!urls.is_empty(), "the page recorded no resource");
    for url in urls.lines() {
        ensure!(is_local(url, origin), "a page fetched {url}");
    }
    Ok(())
}

/// Types `query` into the search box and waits for results that mention every word of
/// `expect` (lowercase).
fn search(tab: &Tab, query: &str, expect: &[&str]) -> Result<()> {
    let bar = "#mdbook-searchbar";
    if !tab.find_element(bar)?.is_visible()? {
        tab.find_element("#mdbook-search-toggle")?.click()?;
    }
    tab.wait_until_visible(bar)?;
    tab.find_element(bar)?.click()?;
    // Select what an earlier search left, so that typing replaces it.
    tab.evaluate(
        "document.querySelector('#mdbook-searchbar').select()",
        false,
    )?;
    tab.type_str(query)?;
    let (mut header, mut results) = (String::new(), String::new());
    let waited = wait_until(
        || {
            header = eval_string(
                tab,
                "document.querySelector('#mdbook-searchresults-header').textContent",
            )?;
            results = eval_string(
                tab,
                "[...document.querySelectorAll('#mdbook-searchresults > li')]
                    .map(li => li.textContent).join('\\n')",
            )?;
            Ok(header.contains(query) && !results.is_empty())
        },
        &format!("results for {query:?}"),
    );
    if let Err(error) = waited {
        let typed = eval_string(tab, "document.querySelector('#mdbook-searchbar').value")?;
        bail!("{error:#}: typed {typed:?}, the results header says {header:?}");
    }
    let lower = results.to_lowercase();
    for word in expect {
        ensure!(
            lower.contains(word),
            "the results for {query:?} do not mention {word:?}:\n{results}"
        );
    }
    Ok(())
}

fn screenshot(tab: &Tab, path: &Path, scroll_to: Option<&str>) -> Result<()> {
    if let Some(selector) = scroll_to {
        let js =
            format!("document.querySelector('{selector}').scrollIntoView({{block: 'center'}})");
        tab.evaluate(&js, false)?;
    }
    let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)?;
    ensure!(
        png.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        path.display()
    );
    fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))
}

/// Runs a JavaScript expression that gives a string (or a number or boolean, as text).
fn eval_string(tab: &Tab, expression: &str) -> Result<String> {
    let result = tab.evaluate(expression, false)?;
    match &result.value {
        Some(value) if value.is_string() => Ok(value.as_str().unwrap_or_default().to_string()),
        Some(value) if value.is_number() || value.is_boolean() => Ok(value.to_string()),
        _ => bail!("{expression} gave {result:?}"),
    }
}

/// Polls `done` until it is true, for at most `WAIT`.
fn wait_until(mut done: impl FnMut() -> Result<bool>, what: &str) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        if done()? {
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "gave up waiting for {what}");
        thread::sleep(Duration::from_millis(50));
    }
}

fn is_local(url: &str, origin: &str) -> bool {
    // `data:` and `blob:` URLs are made inside the page; nothing goes over the network.
    url.starts_with(&format!("{origin}/"))
        || ["data:", "blob:", "about:blank"]
            .iter()
            .any(|s| url.starts_with(s))
}

/// What the browser reported while the test ran: every request and every error.
#[derive(Debug, Default)]
struct Seen {
    requests: Mutex<Vec<String>>,
    errors: Mutex<Vec<String>>,
}

impl Seen {
    fn listen(tab: &Tab) -> Result<Arc<Seen>> {
        let seen = Arc::new(Seen::default());
        let sink = Arc::clone(&seen);
        tab.add_event_listener(Arc::new(move |event: &Event| match event {
            Event::NetworkRequestWillBeSent(sent) => {
                sink.requests
                    .lock()
                    .unwrap()
                    .push(sent.params.request.url.clone());
            }
            Event::RuntimeConsoleAPICalled(call)
                if matches!(
                    call.params.Type,
                    ConsoleAPICalledEventTypeOption::Error
                        | ConsoleAPICalledEventTypeOption::Assert
                ) =>
            {
                let args: Vec<String> = call
                    .params
                    .args
                    .iter()
                    .map(|arg| match (&arg.value, &arg.description) {
                        (Some(value), _) => value.to_string(),
                        (None, Some(description)) => description.clone(),
                        (None, None) => format!("{:?}", arg.Type),
                    })
                    .collect();
                sink.error(format!("console.error: {}", args.join(" ")));
            }
            Event::RuntimeExceptionThrown(thrown) => {
                let details = &thrown.params.exception_details;
                let what = details
                    .exception
                    .as_ref()
                    .and_then(|e| e.description.clone());
                sink.error(format!(
                    "uncaught: {} {}",
                    details.text,
                    what.unwrap_or_default()
                ));
            }
            // The browser's own messages, such as "Failed to load resource".
            Event::LogEntryAdded(added) if added.params.entry.level == LogEntryLevel::Error => {
                let entry = &added.params.entry;
                let url = entry.url.clone().unwrap_or_default();
                sink.error(format!("{:?}: {} {url}", entry.source, entry.text));
            }
            _ => {}
        }))?;
        tab.call_method(Network::Enable {
            max_total_buffer_size: None,
            max_resource_buffer_size: None,
            max_post_data_size: None,
            report_direct_socket_traffic: None,
            enable_durable_messages: None,
        })?;
        tab.enable_runtime()?;
        tab.enable_log()?;
        Ok(seen)
    }

    fn error(&self, message: String) {
        self.errors.lock().unwrap().push(message);
    }

    fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap().clone()
    }

    fn clear_errors(&self) {
        self.errors.lock().unwrap().clear();
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Headless Chromium in its own process group, killed with all its helper processes when
/// dropped, whatever happened in between.
#[derive(Debug)]
struct Chromium {
    child: Child,
    ws_url: String,
    dir: tempfile::TempDir,
}

impl Chromium {
    fn launch(exe: &Path) -> Result<Chromium> {
        let dir = tempfile::tempdir()?;
        let profile = dir.path().join("profile");
        let log = fs::File::create(dir.path().join("chromium.log"))?;
        let child = Command::new(exe)
            // Without the networking flags Chromium calls home (updates, sync, field trials),
            // which a closed network refuses, and which this test must not see anyway.
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .with_context(|| format!("cannot start {}", exe.display()))?;
        let mut chromium = Chromium {
            child,
            ws_url: String::new(),
            dir,
        };
        // With port 0 Chromium picks a free port and writes it, with the browser's
        // DevTools path, into this file.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + WAIT;
        while chromium.ws_url.is_empty() {
            if let Ok(text) = fs::read_to_string(&port_file)
                && let [port, path] = text.lines().collect::<Vec<_>>()[..]
                && port.parse::<u16>().is_ok()
            {
                chromium.ws_url = format!("ws://127.0.0.1:{port}{path}");
            } else if let Some(status) = chromium.child.try_wait()? {
                bail!(
                    "chromium ended ({status}) before listening: {}",
                    chromium.log()
                );
            } else if Instant::now() > deadline {
                bail!(
                    "chromium did not listen within {WAIT:?}: {}",
                    chromium.log()
                );
            } else {
                thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(chromium)
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("chromium.log")).unwrap_or_default()
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // The group holds the browser and every renderer, GPU and utility process it started
        // (its crash handler leaves the group, but ends by itself when the browser is gone).
        let group = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// A small static file server on 127.0.0.1, stopped and joined when dropped.
#[derive(Debug)]
struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    not_found: Arc<Mutex<BTreeSet<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(dir: &Path) -> Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let not_found = Arc::new(Mutex::new(BTreeSet::new()));
        let (dir, stopping, missing) = (dir.to_path_buf(), stop.clone(), not_found.clone());
        let thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (dir, missing) = (dir.clone(), missing.clone());
                // One thread per connection: the browser opens several at once.
                thread::spawn(move || {
                    if let Ok(Some(path)) = serve(stream, &dir) {
                        missing.lock().unwrap().insert(path);
                    }
                });
            }
        });
        Ok(Server {
            addr,
            stop,
            not_found,
            thread: Some(thread),
        })
    }

    fn not_found(&self) -> BTreeSet<String> {
        self.not_found.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one request (the connection closes after it); returns the path if it was a 404.
fn serve(mut stream: TcpStream, dir: &Path) -> std::io::Result<Option<String>> {
    // A silent client must not keep a thread forever.
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut words = request.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let file = local_file(dir, path);
    let (status, body, kind) = match file.as_deref().map(fs::read) {
        Some(Ok(body)) if method == "GET" || method == "HEAD" => {
            ("200 OK", body, content_type(file.as_deref().unwrap_or(dir)))
        }
        _ => ("404 Not Found", b"not found\n".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    Ok(status.starts_with("404").then(|| target.to_string()))
}

/// The file a URL path names under `dir`: `..` is refused, a folder means its index.html.
fn local_file(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == ".." {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    CHROMIUM_NAMES
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}
