//! The Korean edition (`po/ko.po`, built under `ko/`): every page loads in Korean with its
//! sidebar, images and code, shows the same code and output as the English page, draws its
//! Hangul with real glyphs (not the boxes of a missing font), and the language picker moves
//! between the same page in both editions. A Korean word typed in the search box is found.

use std::path::Path;

use anyhow::{Context, Result, ensure};

use crate::page::{
    check_images, check_requests_stay_local, check_sidebar, check_title, eval_string, open,
    screenshot, search, wait_for_page,
};
use crate::{Chapter, Session};

/// Every `<pre>` of the page, in order: code and console blocks, which the translation never
/// touches.
const PRE_TEXT: &str =
    "JSON.stringify([...document.querySelectorAll('main pre')].map(p => p.textContent))";

/// How many spans the page shows in italics or bold.
const EMPHASIS: &str = "String(document.querySelectorAll('main em, main strong').length)";

/// Draws two different Hangul syllables in the heading's font, and two code points no font
/// has, and compares their pixels. With a Korean font the syllables differ; without one both
/// are the same missing-glyph box, like the two unknown code points (the control that shows
/// the comparison can fail).
const HANGUL_GLYPHS: &str = "(() => {
    const family = getComputedStyle(document.querySelector('main h1')).fontFamily;
    const canvas = document.createElement('canvas');
    canvas.width = 96; canvas.height = 96;
    const g = canvas.getContext('2d');
    const ink = (text) => {
        g.clearRect(0, 0, 96, 96);
        g.font = '64px ' + family;
        g.fillText(text, 8, 72);
        return Array.from(g.getImageData(0, 0, 96, 96).data).join(',');
    };
    const [ga, gak, none1, none2] = ['가', '각', '\\u{E000}', '\\u{E001}'].map(ink);
    return [ga !== gak, none1 === none2, /[^0,]/.test(ga)].join(' ');
})()";

pub fn every_korean_page(session: &Session, korean: &[Chapter]) -> Result<()> {
    let Session {
        tab, origin, shots, ..
    } = session;
    let mut drawings = 0;
    for (english, chapter) in session.chapters.iter().zip(korean) {
        open(tab, &format!("{origin}/{}", english.html))?;
        let english_pre = eval_string(tab, PRE_TEXT)?;
        let english_emphasis = eval_string(tab, EMPHASIS)?;
        let url = format!("{origin}/ko/{}", chapter.html);
        open(tab, &url)?;
        let lang = eval_string(tab, "document.documentElement.lang")?;
        ensure!(lang == "ko", "{url}: <html lang={lang:?}>, not ko");
        check_title(tab, &chapter.title)?;
        check_sidebar(tab, korean, chapter)?;
        check_images(tab, &url)?;
        // Each drawing loads, has alt text and a background, and is the Korean one.
        for src in crate::figures::check_diagrams(tab, &url)? {
            // `src` is as written in the page: relative ("diagrams/ko/x.svg") or absolute.
            let src = format!("/{}", src.trim_start_matches('/'));
            ensure!(
                !src.contains("/diagrams/") || src.contains("/diagrams/ko/"),
                "{url}: shows the English drawing {src}"
            );
            // A drawing an example draws in Korean too (`generated/ko/`) is shown in Korean.
            if let Some(name) = src.split("/generated/").nth(1) {
                let korean_copy = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../book/src/generated/ko")
                    .join(name);
                ensure!(
                    !korean_copy.is_file(),
                    "{url}: shows the English {src}, although {} exists",
                    korean_copy.display()
                );
            }
            drawings +=
                usize::from(src.contains("/diagrams/ko/") || src.contains("/generated/ko/"));
        }
        check_requests_stay_local(tab, origin)?;
        let text = eval_string(tab, "document.querySelector('main').innerText")?;
        let hangul = text.chars().filter(|c| ('가'..='힣').contains(c)).count();
        ensure!(
            hangul > 20,
            "{url}: only {hangul} Hangul syllables: is it translated?"
        );
        // `_word_` before a particle is not emphasis in CommonMark: the reader would see
        // underscores where the English page shows italics.
        let emphasis = eval_string(tab, EMPHASIS)?;
        ensure!(
            emphasis == english_emphasis,
            "{url}: {emphasis} emphasised spans, the English page has {english_emphasis}"
        );
        let korean_pre = eval_string(tab, PRE_TEXT)?;
        ensure!(
            korean_pre == english_pre,
            "{url}: its code and console blocks differ from the English page's"
        );
    }
    ensure!(
        drawings > 0,
        "no Korean page shows a drawing of diagrams/ko/"
    );
    let first = &korean[1];
    open(tab, &format!("{origin}/ko/{}", first.html))?;
    let glyphs = eval_string(tab, HANGUL_GLYPHS)?;
    ensure!(
        glyphs == "true true true",
        "Hangul does not render (distinct syllables, identical unknown glyphs, ink: {glyphs}): \
         install a Korean font (Debian: fonts-noto-cjk)"
    );
    screenshot(
        tab,
        &shots.join(format!("ko-{}", first.html.replace(".html", ".png"))),
        None,
    )?;
    // mdBook's own index drops Hangul (it trims to ASCII); the edition's is rebuilt so that
    // a Korean word is found, and an English one still is.
    search(tab, "뮤텍스", &["뮤텍스"])?;
    search(tab, "rayon", &["rayon"])?;
    Ok(())
}

/// The picker on an English page leads to the same page in Korean, and back.
pub fn picker_moves_between_editions(session: &Session) -> Result<()> {
    let Session { tab, origin, .. } = session;
    let page = &session.chapters[2].html;
    let english = format!("{origin}/{page}");
    let korean = format!("{origin}/ko/{page}");
    for (from, to, lang) in [(&english, &korean, "ko"), (&korean, &english, "en")] {
        open(tab, from)?;
        let href = eval_string(tab, "document.querySelector('a.lang-picker')?.href ?? ''")?;
        ensure!(
            &href == to,
            "{from}: the language picker leads to {href:?}, not {to}"
        );
        tab.click("a.lang-picker")?;
        wait_for_page(tab, to).context("after a click on the language picker")?;
        let shown = eval_string(tab, "document.documentElement.lang")?;
        ensure!(shown == lang, "{to}: <html lang={shown:?}>, not {lang}");
    }
    Ok(())
}
