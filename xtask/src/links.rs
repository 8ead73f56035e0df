//! Internal links of the built book. Every `href` and `src` in its HTML that points inside the
//! book must name a file that exists, and a `#fragment` on an HTML page must name an element
//! of that page. mdBook checks neither: a renamed heading silently breaks every link to it.
//!
//! Links are resolved the way a browser resolves them when the book is served from its root
//! folder (as GitHub Pages or a local server does): relative to the page, or to the page's
//! `<base href>`, and a path starting with `/` from the book's root. The resolution is
//! written here rather than taken from the `url` crate: `Url::join` clamps a `..` above the
//! root to the root (as browsers do) where this check must report it, and `url` would bring
//! IDNA and ICU into the xtask's build for names a book never has.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use scraper::{Html, Selector};

/// Checks every internal link and resource of the HTML book in `book_html_dir` (mdBook's
/// output folder, e.g. `target/book`). Returns one message per broken link, sorted, such as
/// `threads.html: link to processes.html#no-such-heading: no such anchor`; an empty list
/// means every link resolves. Links with a scheme (`https:`, `mailto:`, `data:`, ...) are not
/// followed; `file:` links are reported, since they cannot work once the book is online.
pub fn check_links(book_html_dir: &Path) -> Result<Vec<String>> {
    let mut pages = BTreeMap::new();
    for rel in html_files(book_html_dir)? {
        let path = book_html_dir.join(&rel);
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        pages.insert(rel, Page::parse(&text));
    }

    let mut broken = BTreeSet::new();
    for (rel, page) in &pages {
        let shown = slash_path(rel);
        let base = match &page.base {
            None => Some(rel.clone()),
            Some(base) => match resolve(rel, base) {
                Resolved::Internal { path, .. } => Some(path),
                // A base elsewhere makes every relative link on the page point elsewhere.
                Resolved::External => None,
                Resolved::Broken(why) => {
                    broken.insert(format!("{shown}: base {base}: {why}"));
                    continue;
                }
            },
        };
        for link in &page.links {
            let resolved = match &base {
                // Strictly, `#x` resolves against the base too; but mdBook's 404 page (base
                // `/`) gives its headings such links, meant for the page itself.
                _ if link.url.starts_with('#') => resolve(rel, &link.url),
                Some(base) => resolve(base, &link.url),
                None => continue,
            };
            if let Some(why) = problem(book_html_dir, &pages, resolved) {
                broken.insert(format!("{shown}: {} {}: {why}", link.kind.verb(), link.url));
            }
        }
    }
    Ok(broken.into_iter().collect())
}

/// What one HTML page offers (its ids) and asks for (its links).
#[derive(Debug, Default)]
struct Page {
    ids: HashSet<String>,
    links: Vec<Link>,
    base: Option<String>,
}

#[derive(Debug)]
struct Link {
    kind: LinkKind,
    url: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum LinkKind {
    Href,
    Src,
}

impl LinkKind {
    fn verb(self) -> &'static str {
        match self {
            LinkKind::Href => "link to",
            LinkKind::Src => "src",
        }
    }
}

impl Page {
    fn parse(text: &str) -> Page {
        let html = Html::parse_document(text);
        let selector = Selector::parse("[id], [name], [href], [src]").expect("a valid selector");
        let mut page = Page::default();
        for element in html.select(&selector) {
            let element = element.value();
            if let Some(id) = element.attr("id") {
                page.ids.insert(id.to_string());
            }
            // `<a name=...>` is the old way to make an anchor; browsers still honour it.
            if element.name() == "a"
                && let Some(name) = element.attr("name")
            {
                page.ids.insert(name.to_string());
            }
            if element.name() == "base" {
                if page.base.is_none()
                    && let Some(href) = element.attr("href")
                {
                    page.base = Some(href.trim().to_string());
                }
                continue;
            }
            for (attr, kind) in [("href", LinkKind::Href), ("src", LinkKind::Src)] {
                if let Some(url) = element.attr(attr) {
                    let url = url.trim().to_string();
                    page.links.push(Link { kind, url });
                }
            }
        }
        page
    }
}

/// Where a URL leads, seen from a document inside the book.
#[derive(Debug, PartialEq)]
enum Resolved {
    /// A file of the book (a path relative to its root, `/`-free of `.` and `..`).
    Internal {
        path: PathBuf,
        fragment: Option<String>,
    },
    External,
    Broken(String),
}

/// Resolves `url` against the document `from` (a path relative to the book's root).
fn resolve(from: &Path, url: &str) -> Resolved {
    if let Some(scheme) = scheme(url) {
        if scheme.eq_ignore_ascii_case("file") {
            return Resolved::Broken("a file: URL cannot work once the book is served".into());
        }
        return Resolved::External;
    }
    if url.starts_with("//") {
        return Resolved::External;
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(percent_decode(fragment))),
        None => (url, None),
    };
    let path = rest.split_once('?').map_or(rest, |(path, _query)| path);
    if path.is_empty() {
        return Resolved::Internal {
            path: from.to_path_buf(),
            fragment,
        };
    }

    let mut parts: Vec<String> = if path.starts_with('/') {
        Vec::new()
    } else {
        // The folder of `from` (which always names a file: folders resolve to their index).
        let folder = from.parent().unwrap_or(Path::new(""));
        folder
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect()
    };
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Resolved::Broken("points outside the book".into());
                }
            }
            segment => parts.push(percent_decode(segment)),
        }
        // `dir/` and `dir/.` name the folder: its index page.
        if i == segments.len() - 1 && matches!(*segment, "" | "." | "..") {
            parts.push("index.html".into());
        }
    }
    Resolved::Internal {
        path: parts.iter().collect(),
        fragment,
    }
}

/// What is wrong with a resolved link, if anything.
fn problem(root: &Path, pages: &BTreeMap<PathBuf, Page>, resolved: Resolved) -> Option<String> {
    let (mut path, fragment) = match resolved {
        Resolved::External => return None,
        Resolved::Broken(why) => return Some(why),
        Resolved::Internal { path, fragment } => (path, fragment),
    };
    let full = root.join(&path);
    if full.is_dir() {
        path.push("index.html");
    } else if !full.is_file() {
        let is_page = matches!(
            path.extension().and_then(|ext| ext.to_str()),
            Some("html" | "htm")
        );
        return Some(
            if is_page {
                "no such page"
            } else {
                "no such file"
            }
            .into(),
        );
    }
    let fragment = fragment.filter(|fragment| {
        // `#` alone, `#top` and text fragments (`#:~:text=`) need no element.
        !(fragment.is_empty()
            || fragment.eq_ignore_ascii_case("top")
            || fragment.starts_with(":~:"))
    })?;
    let page = pages.get(&path)?; // Not HTML: a fragment there is the browser's business.
    (!page.ids.contains(&fragment)).then(|| "no such anchor".to_string())
}

/// The scheme of an absolute URL (`https` in `https://...`), per RFC 3986.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Decodes `%XX` escapes; anything that is not a valid escape stays as it is.
/// `%C3%A9` back to `é`, as a browser decodes a path or fragment before looking it up.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn html_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        let dir = root.join(&folder);
        let entries =
            fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let rel = folder.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                folders.push(rel);
            } else if rel.extension().is_some_and(|ext| ext == "html") {
                found.push(rel);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A relative path as a URL-like `a/b.html`, the same on every platform.
fn slash_path(path: &Path) -> String {
    path.iter()
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` (path, contents) into a fresh folder and checks it.
    fn check(files: &[(&str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for (path, contents) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }
        check_links(dir.path()).unwrap()
    }

    const TARGET: &str = r#"<html><body>
        <h1 id="title">T</h1><a name="old-style"></a><p id="caf%C3%A9">x</p><p id="café">y</p>
        </body></html>"#;

    #[test]
    fn good_links_pass() {
        let page = r##"<html><head>
              <link rel="stylesheet" href="css/style.css">
              <script src="book.js"></script>
            </head><body>
              <h2 id="here">Here</h2>
              <a href="#here">self</a> <a href="#">top</a> <a href="">same</a>
              <a href="target.html">page</a> <a href="target.html#title">heading</a>
              <a href="./target.html?v=1#old-style">name anchor</a>
              <a href="target.html#caf%C3%A9">escaped</a>
              <a href="sub/">folder</a> <a href="sub/deeper.html#d">deeper</a>
              <a href="/target.html#title">from the root</a>
              <img src="img/plot.svg" alt="plot">
              <a href="https://example.org/missing.html">web</a>
              <a href="mailto:someone@example.org">mail</a>
              <img src="data:image/png;base64,AAAA" alt="inline">
              <a href="//cdn.example.org/x.js">protocol-relative</a>
            </body></html>"##;
        let deeper = r#"<p id="d"><a href="../target.html#title">up</a><a href="..">root</a></p>"#;
        let broken = check(&[
            ("index.html", page),
            ("target.html", TARGET),
            ("css/style.css", "body {}"),
            ("book.js", ""),
            ("img/plot.svg", "<svg/>"),
            ("sub/index.html", "<p>index</p>"),
            ("sub/deeper.html", deeper),
        ]);
        assert_eq!(broken, Vec::<String>::new());
    }

    #[test]
    fn a_missing_page_is_reported() {
        let broken = check(&[
            (
                "index.html",
                r#"<a href="nope.html">gone</a> <a href="nope.html">again</a>"#,
            ),
            (
                "sub/page.html",
                r#"<a href="../../outside.html">out</a> <a href="other/">dir</a>"#,
            ),
        ]);
        assert_eq!(
            broken,
            [
                "index.html: link to nope.html: no such page",
                "sub/page.html: link to ../../outside.html: points outside the book",
                "sub/page.html: link to other/: no such page",
            ]
        );
    }

    #[test]
    fn a_missing_anchor_is_reported() {
        let broken = check(&[
            (
                "index.html",
                r##"<h1 id="own">x</h1>
                    <a href="target.html#title">ok</a>
                    <a href="target.html#no-such-heading">broken</a>
                    <a href="#nowhere">broken here</a>"##,
            ),
            ("target.html", TARGET),
        ]);
        assert_eq!(
            broken,
            [
                "index.html: link to #nowhere: no such anchor",
                "index.html: link to target.html#no-such-heading: no such anchor",
            ]
        );
    }

    #[test]
    fn missing_sources_and_file_urls_are_reported() {
        let broken = check(&[(
            "index.html",
            r#"<img src="plot.svg"><script src="js/gone.js"></script>
               <a href="file:///home/me/book/index.html">local</a>"#,
        )]);
        assert_eq!(
            broken,
            [
                "index.html: link to file:///home/me/book/index.html: \
                 a file: URL cannot work once the book is served",
                "index.html: src js/gone.js: no such file",
                "index.html: src plot.svg: no such file",
            ]
        );
    }

    #[test]
    fn links_follow_the_base_element() {
        // mdBook's 404 page sets `<base href="/">` so that it works at any depth.
        let not_found = r##"<head><base href="/"></head>
            <h1 id="oops"><a href="#oops">Oops</a></h1> <a href="#nowhere">broken</a>
            <a href="target.html#title">ok</a> <a href="missing.html">broken</a>"##;
        let broken = check(&[
            ("deep/404.html", not_found),
            ("target.html", TARGET),
            (
                "web.html",
                r#"<base href="https://example.org/"><a href="x.html">x</a>"#,
            ),
        ]);
        assert_eq!(
            broken,
            [
                "deep/404.html: link to #nowhere: no such anchor",
                "deep/404.html: link to missing.html: no such page",
            ]
        );
    }

    #[test]
    fn resolution_handles_dots_and_folders() {
        let internal = |path: &str, fragment: Option<&str>| Resolved::Internal {
            path: PathBuf::from(path),
            fragment: fragment.map(String::from),
        };
        let from = Path::new("a/b.html");
        assert_eq!(resolve(from, "c.html"), internal("a/c.html", None));
        assert_eq!(resolve(from, "../c.html#x"), internal("c.html", Some("x")));
        assert_eq!(resolve(from, "./"), internal("a/index.html", None));
        assert_eq!(resolve(from, "/d/e%20f.png"), internal("d/e f.png", None));
        assert_eq!(resolve(from, "#y"), internal("a/b.html", Some("y")));
        assert_eq!(resolve(from, "HTTPS://x.org"), Resolved::External);
        assert_eq!(
            resolve(from, "../../x.html"),
            Resolved::Broken("points outside the book".into())
        );
    }

    #[test]
    fn a_missing_book_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = check_links(&dir.path().join("no-book")).unwrap_err();
        assert!(format!("{error:#}").contains("cannot list"), "{error:#}");
    }
}
