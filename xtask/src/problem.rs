//! What a command found wrong, as one value: where (`file:line`), what, how to fix it, and the
//! lines that show it (a diff, the end of an output). Steps return problems; the report
//! prints them; tests match on their parts.

use std::fmt;

/// One thing wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (as shown: relative to the workspace root) and line it is about, if any.
    pub at: Option<At>,
    /// What is wrong, in one line.
    pub what: String,
    /// What to do about it, when there is one thing to do.
    pub fix: Option<String>,
    /// Lines that show it, printed under the headline.
    pub detail: Vec<String>,
}

/// `file:line`, the form editors and terminals turn into links; or a file alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub file: String,
    pub line: Option<usize>,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

impl Problem {
    /// A problem about no file in particular.
    pub fn new(what: impl Into<String>) -> Problem {
        Problem {
            at: None,
            what: what.into(),
            fix: None,
            detail: Vec::new(),
        }
    }

    /// A problem at `file:line`.
    pub fn at(file: impl Into<String>, line: usize, what: impl Into<String>) -> Problem {
        Problem::in_file(file, what).line(line)
    }

    /// A problem about a whole file.
    pub fn in_file(file: impl Into<String>, what: impl Into<String>) -> Problem {
        Problem {
            at: Some(At {
                file: file.into(),
                line: None,
            }),
            ..Problem::new(what)
        }
    }

    pub fn line(mut self, line: usize) -> Problem {
        if let Some(at) = &mut self.at {
            at.line = Some(line);
        }
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Problem {
        self.fix = Some(fix.into());
        self
    }

    pub fn detail(mut self, lines: impl IntoIterator<Item = impl Into<String>>) -> Problem {
        self.detail.extend(lines.into_iter().map(Into::into));
        self
    }

    /// The first line, as the closing list of failures prints it.
    pub fn headline(&self) -> String {
        let mut text = match &self.at {
            Some(at) => format!("{at}: {}", self.what),
            None => self.what.clone(),
        };
        if let Some(fix) = &self.fix {
            text.push_str(": ");
            text.push_str(fix);
        }
        text
    }
}

impl fmt::Display for Problem {
    /// The headline, then the detail indented under it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        for line in &self.detail {
            write!(f, "\n    {line}")?;
        }
        Ok(())
    }
}

impl From<anyhow::Error> for Problem {
    fn from(e: anyhow::Error) -> Problem {
        Problem::new(format!("{e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_where_what_and_how_to_fix_then_the_detail() {
        let p = Problem::at("book/src/x.md", 12, "the output differs")
            .fix("run `cargo xtask check --bless`")
            .detail(["-old", "+new"]);
        assert_eq!(
            p.headline(),
            "book/src/x.md:12: the output differs: run `cargo xtask check --bless`"
        );
        assert_eq!(
            p.to_string(),
            "book/src/x.md:12: the output differs: run `cargo xtask check --bless`\n    -old\n    +new"
        );
        assert_eq!(Problem::new("no book").to_string(), "no book");
        assert_eq!(
            Problem::in_file("Cargo.toml", "bad").headline(),
            "Cargo.toml: bad"
        );
    }
}
