//! The book's pictures and exercises in the browser: every SVG diagram loads, has alt text and
//! paints its own opaque background (so that dark text stays readable on a dark theme), in the
//! light theme and in navy; every exercise's solution (`<details class="solution">`) is closed
//! when its page loads and opens, showing its code, when its summary is clicked.

use std::collections::BTreeSet;

use crate::Session;
use crate::cdp::Tab;
use crate::page::{eval_async, eval_string, open, screenshot, wait_until};
use anyhow::{Context, Result, bail, ensure};

/// The least share of a diagram's pixels that must be opaque: its own card or background.
const OPAQUE: f64 = 0.9;

/// The fewest exercise solutions the book must hold: three per chapter.
const SOLUTIONS: usize = 18;

/// Pictures the book must show, `(page, src)`: the check below must have found them.
const EXPECTED: [(&str, &str); 2] = [
    ("costs.html", "generated/costs-ladder.svg"),
    ("which-tool.html", "diagrams/which-tool.svg"),
];

/// What a page says about each of its `.svg` images, one line each:
/// src, complete, natural width and height, shown width, alt length, opaque share.
const DIAGRAMS_JS: &str = r#"(async () => {
    const rows = [];
    // mdBook shows each picture once in the text, and keeps a copy in an `.img-wrapper`
    // that stays hidden until the reader clicks the picture to zoom it.
    const svgs = [...document.images]
        .filter(i => (i.getAttribute('src') || '').split(/[?#]/)[0].endsWith('.svg'))
        .filter(i => !i.closest('.img-wrapper'));
    for (const img of svgs) {
        try { await img.decode(); } catch (e) { /* reported below as not loaded */ }
        let opaque = -1;
        if (img.naturalWidth > 0 && img.naturalHeight > 0) {
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth;
            canvas.height = img.naturalHeight;
            const g = canvas.getContext('2d');
            g.drawImage(img, 0, 0);
            const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
            let solid = 0;
            for (let k = 3; k < px.length; k += 4) { if (px[k] > 250) solid++; }
            opaque = solid / (px.length / 4);
        }
        rows.push([img.getAttribute('src'), img.complete, img.naturalWidth, img.naturalHeight,
            img.getBoundingClientRect().width, (img.getAttribute('alt') || '').trim().length,
            opaque].join('\t'));
    }
    return rows.join('\n');
})()"#;

/// (a): every page in the light theme, then in navy: its SVG images load, are shown, have alt
/// text and an opaque background. Screenshots of the costs ladder in both themes.
pub fn every_diagram_in_two_themes(session: &Session) -> Result<()> {
    let Session {
        tab,
        chapters,
        origin,
        shots,
        snapshot,
        ..
    } = session;
    // The check must be able to fail: a drawing with no background of its own (dark text on
    // nothing) must be caught.
    let probe = snapshot.path().join("browser-test-probe.svg");
    std::fs::write(
        &probe,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"40\">\
         <text x=\"10\" y=\"25\" fill=\"#111\">no background</text></svg>",
    )?;
    std::fs::write(
        snapshot.path().join("browser-test-probe-svg.html"),
        "<!DOCTYPE html><html><head><link rel=\"icon\" href=\"data:,\"></head><body>\
         <img src=\"browser-test-probe.svg\" alt=\"probe\"></body></html>",
    )?;
    open(tab, &format!("{origin}/browser-test-probe-svg.html"))?;
    let caught = check_diagrams(tab, "browser-test-probe-svg.html");
    ensure!(
        caught
            .as_ref()
            .is_err_and(|e| e.to_string().contains("is opaque")),
        "the probe's transparent drawing was not caught: {caught:?}"
    );
    for theme in ["light", "navy"] {
        open(tab, &format!("{origin}/"))?;
        select_theme(tab, theme)?;
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        for chapter in chapters {
            open(tab, &format!("{origin}/{}", chapter.html))?;
            // The choice is kept across pages (in localStorage), as a reader expects.
            let class = eval_string(tab, "document.documentElement.className")?;
            ensure!(
                class.split_whitespace().any(|c| c == theme),
                "{}: the theme is not {theme} (classes {class:?})",
                chapter.html
            );
            for src in check_diagrams(tab, &format!("{} ({theme})", chapter.html))? {
                seen.insert((chapter.html.clone(), src));
            }
        }
        for (page, src) in EXPECTED {
            ensure!(
                seen.contains(&(page.to_owned(), src.to_owned())),
                "{page} ({theme}) shows no {src}; diagrams seen: {seen:?}"
            );
        }
        let pages: BTreeSet<&String> = seen.iter().map(|(page, _)| page).collect();
        eprintln!(
            "browser test: {theme} theme: {} diagrams on {} pages load, with alt text and an opaque background",
            seen.len(),
            pages.len()
        );
        open(tab, &format!("{origin}/costs.html"))?;
        let ladder = "img[src$=\"costs-ladder.svg\"]";
        screenshot(
            tab,
            &shots.join(format!("costs-ladder-{theme}.png")),
            Some(ladder),
        )?;
    }
    Ok(())
}

/// Picks a theme the way a reader does: the brush button, then the theme's name; and checks
/// that the page's background turned light or dark with it.
fn select_theme(tab: &Tab, theme: &str) -> Result<()> {
    let list = "#mdbook-theme-list";
    if !tab.is_visible(list)? {
        tab.click("#mdbook-theme-toggle")?;
        tab.wait_until_visible(list)?;
    }
    tab.click(&format!("#mdbook-theme-{theme}"))?;
    let has_class = format!("document.documentElement.classList.contains('{theme}')");
    wait_until(
        || Ok(eval_string(tab, &has_class)? == "true"),
        &format!("the {theme} theme"),
    )?;
    let background = eval_string(
        tab,
        "getComputedStyle(document.documentElement).backgroundColor",
    )?;
    let rgb: Vec<f64> = background
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot read the background colour {background:?}"))?;
    ensure!(rgb.len() == 3, "background colour {background:?}");
    let luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    let dark = theme != "light";
    ensure!(
        (luminance < 128.0) == dark,
        "the {theme} theme's background is {background}: not {}",
        if dark { "dark" } else { "light" }
    );
    Ok(())
}

/// Every `.svg` image of the open page; returns their `src`.
pub fn check_diagrams(tab: &Tab, page: &str) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for line in eval_async(tab, DIAGRAMS_JS)?.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [src, complete, width, height, shown, alt, opaque] = fields[..] else {
            bail!("{page}: cannot read {line:?}");
        };
        let number = |v: &str| v.parse::<f64>().unwrap_or(0.0);
        ensure!(
            complete == "true" && number(width) > 0.0 && number(height) > 0.0,
            "{page}: {src} did not load (complete {complete}, {width} x {height})"
        );
        ensure!(number(shown) > 0.0, "{page}: {src} is not shown");
        ensure!(number(alt) > 0.0, "{page}: {src} has no alt text");
        ensure!(
            number(opaque) >= OPAQUE,
            "{page}: only {:.0}% of {src} is opaque: give it a background of its own (a white \
             card), or its dark lines vanish on a dark theme",
            number(opaque) * 100.0
        );
        found.push(src.to_owned());
    }
    Ok(found)
}

/// What a page says about each `details.solution`, one line each: open, summary text,
/// whether its code is shown, length of its code.
const SOLUTIONS_JS: &str = r#"[...document.querySelectorAll('details.solution')].map(d => {
    const code = d.querySelector('pre code') || d.querySelector('pre') || d.querySelector('code');
    const shown = !!code && code.checkVisibility({ contentVisibilityAuto: true,
        opacityProperty: true, visibilityProperty: true })
        && code.getBoundingClientRect().height > 0;
    const summary = d.querySelector(':scope > summary');
    return [d.open, summary ? summary.textContent.trim() : '', shown,
        code ? code.textContent.trim().length : 0].join('\t');
}).join('\n')"#;

/// (b): the solutions are closed at load, and a click on each summary opens it and shows its
/// code. First on a probe page, where an open solution must be caught, then on every page.
pub fn every_solution_opens(session: &Session) -> Result<()> {
    let Session {
        tab,
        chapters,
        origin,
        shots,
        snapshot,
        ..
    } = session;
    // The check must be able to fail: a solution shown open at load must be reported.
    let solution = "<details class=\"solution\"><summary>Solution</summary>\
                    <pre><code>fn answer() -> u32 { 42 }</code></pre></details>";
    let probe = format!(
        "<!DOCTYPE html><html><head><link rel=\"icon\" href=\"data:,\"></head>\
         <body>{solution}{}</body></html>",
        solution.replace("<details", "<details open")
    );
    std::fs::write(snapshot.path().join("browser-test-probe.html"), probe)?;
    open(tab, &format!("{origin}/browser-test-probe.html"))?;
    let caught = check_solutions(tab, "browser-test-probe.html");
    ensure!(
        caught
            .as_ref()
            .is_err_and(|e| e.to_string().contains("open when the page loaded")),
        "the probe's open solution was not caught: {caught:?}"
    );

    // The markup the book's `{{#exercise}}` placeholder renders to, proved on the demo
    // fixture's exercise whatever the chapters hold: served beside the book.
    let demo = workspace_tests::Fixture::new("demo");
    // As in the book: no playground, whose script would fetch from play.rust-lang.org.
    let config = demo.read("book/book.toml");
    demo.write(
        "book/book.toml",
        &format!("{config}\n[output.html.playground]\nrunnable = false\n"),
    );
    let index = xtask::render::html::build(&xtask::book::Book::load(demo.path())?, None)?;
    xtask::files::copy_tree(
        index.parent().context("index.html has a folder")?,
        &snapshot.path().join("browser-test-demo"),
        &|_| false,
    )?;
    open(tab, &format!("{origin}/browser-test-demo/demo.html"))?;
    let demo_solutions = check_solutions(tab, "the demo fixture's demo.html")?;
    ensure!(
        demo_solutions == 1,
        "the demo fixture's page shows {demo_solutions} solutions, not its one exercise's"
    );
    let opened = "details.solution[open]";
    screenshot(tab, &shots.join("solution-open-demo.png"), Some(opened))?;

    let mut total = 0;
    let mut shot = false;
    for chapter in chapters {
        open(tab, &format!("{origin}/{}", chapter.html))?;
        let n = check_solutions(tab, &chapter.html)?;
        if n > 0 && !shot {
            let file = shots.join("solution-open.png");
            screenshot(tab, &file, Some(opened))?;
            shot = true;
        }
        total += n;
    }
    ensure!(
        total >= SOLUTIONS,
        "the book has {total} solutions (<details class=\"solution\">), not at least {SOLUTIONS}"
    );
    eprintln!("browser test: {total} solutions start closed and open on a click");
    Ok(())
}

/// Checks the open page's solutions, clicking each; returns how many there are.
fn check_solutions(tab: &Tab, page: &str) -> Result<usize> {
    let before = eval_string(tab, SOLUTIONS_JS)?;
    let rows: Vec<Vec<String>> = before
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let [open, summary, shown, code] = &row[..] else {
            bail!("{page}: cannot read {row:?}");
        };
        let at = format!("{page}: solution {}", i + 1);
        ensure!(open == "false", "{at} is open when the page loaded");
        ensure!(shown == "false", "{at} shows its code before it is opened");
        ensure!(
            summary.contains("Solution"),
            "{at}: its summary says {summary:?}, not \"Solution\""
        );
        ensure!(code != "0", "{at} holds no code");
    }
    let summaries = eval_string(
        tab,
        "document.querySelectorAll('details.solution > summary').length",
    )?;
    ensure!(
        summaries == rows.len().to_string(),
        "{page}: {} solutions but {summaries} summaries",
        rows.len()
    );
    for n in 0..rows.len() {
        tab.click_nth("details.solution > summary", n)?;
    }
    if !rows.is_empty() {
        wait_until(
            || {
                let after = eval_string(tab, SOLUTIONS_JS)?;
                Ok(after
                    .lines()
                    .all(|l| l.starts_with("true\t") && l.split('\t').nth(2) == Some("true")))
            },
            &format!("{page}: every solution to open and show its code after a click"),
        )?;
    }
    Ok(rows.len())
}
