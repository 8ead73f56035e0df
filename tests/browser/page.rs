//! What a test does on a page: open it, run JavaScript, wait, and the checks every chapter
//! page passes (title, sidebar, highlighting, images, requests, search), and screenshots.

use std::fs;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use crate::cdp::Tab;
use crate::{Chapter, WAIT};

/// Navigates and waits for the page, its images and scripts, to finish loading.
pub fn open(tab: &Tab, url: &str) -> Result<()> {
    tab.navigate(url)?;
    wait_for_page(tab, url)
}

/// Waits until the tab shows `url`, loaded. Until the new document replaces the old one,
/// `location` still names the old page; while they swap, there may be no document to ask,
/// and the question fails: that too means "not yet".
pub fn wait_for_page(tab: &Tab, url: &str) -> Result<()> {
    wait_until(
        || {
            let state = eval_string(tab, "location.href + ' ' + document.readyState");
            Ok(state.is_ok_and(|state| state == format!("{url} complete")))
        },
        &format!("{url} to load"),
    )
}

pub fn check_title(tab: &Tab, title: &str) -> Result<()> {
    let shown = tab.title()?;
    ensure!(
        shown.starts_with(&format!("{title} - ")),
        "the page of {title:?} is titled {shown:?}"
    );
    let h1 = eval_string(tab, "document.querySelector('main h1')?.textContent ?? ''")?;
    ensure!(!h1.is_empty(), "the page of {title:?} has no heading");
    Ok(())
}

/// Every chapter is a link in the sidebar, and the open one is marked as such.
pub fn check_sidebar(tab: &Tab, chapters: &[Chapter], current: &Chapter) -> Result<()> {
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
pub fn check_highlighting(tab: &Tab, page: &str) -> Result<usize> {
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
pub fn check_images(tab: &Tab, page: &str) -> Result<usize> {
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
pub fn check_requests_stay_local(tab: &Tab, origin: &str) -> Result<()> {
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
pub fn search(tab: &Tab, query: &str, expect: &[&str]) -> Result<()> {
    let bar = "#mdbook-searchbar";
    if !tab.is_visible(bar)? {
        tab.click("#mdbook-search-toggle")?;
    }
    tab.wait_until_visible(bar)?;
    tab.click(bar)?;
    // Select what an earlier search left, so that typing replaces it.
    tab.evaluate(
        "document.querySelector('#mdbook-searchbar').select()",
        false,
    )?;
    tab.insert_text(query)?;
    // mdBook searches on `keyup`, which text inserted as an input method does (as for
    // Hangul) does not send.
    tab.evaluate(
        "document.querySelector('#mdbook-searchbar').dispatchEvent(new KeyboardEvent('keyup'))",
        false,
    )?;
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

pub fn screenshot(tab: &Tab, path: &Path, scroll_to: Option<&str>) -> Result<()> {
    if let Some(selector) = scroll_to {
        let js =
            format!("document.querySelector('{selector}').scrollIntoView({{block: 'center'}})");
        tab.evaluate(&js, false)?;
    }
    let png = tab.screenshot_png()?;
    ensure!(
        png.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        path.display()
    );
    fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))
}

/// Runs a JavaScript expression that gives a string (or a number or boolean, as text).
pub fn eval_string(tab: &Tab, expression: &str) -> Result<String> {
    match tab.evaluate(expression, false)? {
        Value::String(text) => Ok(text),
        value @ (Value::Number(_) | Value::Bool(_)) => Ok(value.to_string()),
        other => bail!("{expression} gave {other}"),
    }
}

/// Polls `done` until it is true, for at most `WAIT`.
pub fn wait_until(mut done: impl FnMut() -> Result<bool>, what: &str) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        if done()? {
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "gave up waiting for {what}");
        thread::sleep(Duration::from_millis(50));
    }
}

pub fn is_local(url: &str, origin: &str) -> bool {
    // `data:` and `blob:` URLs are made inside the page; nothing goes over the network.
    url.starts_with(&format!("{origin}/"))
        || ["data:", "blob:", "about:blank"]
            .iter()
            .any(|s| url.starts_with(s))
}

/// Runs a JavaScript expression that gives a promise of a string, and waits for it.
pub fn eval_async(tab: &Tab, expression: &str) -> Result<String> {
    match tab.evaluate(expression, true)? {
        Value::String(text) => Ok(text),
        other => bail!("{expression} gave {other}"),
    }
}
