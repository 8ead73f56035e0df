//! The commands, one file each: its flags (a clap `Args`) and its `run`. `main.rs` only picks
//! one. The long ones (check, bench, starter, under-load) run inside a [`crate::session::Session`], so
//! that Ctrl-C and leftover processes are handled the same way for all of them.

pub mod bench;
pub mod book;
pub mod check;
pub mod starter;
pub mod translate;
pub mod under_load;

use std::io::Write;

use crate::problem::Problem;
use crate::session::Session;

/// Ends `session`, printing the processes the command left behind (killed now); returns
/// them as problems.
fn finish(session: Session, out: &mut dyn Write) -> Vec<Problem> {
    match session.finish() {
        Ok(left) => {
            for p in &left {
                let _ = writeln!(out, "  {p}");
            }
            left
        }
        Err(e) => {
            let _ = writeln!(out, "  leftover processes not checked: {e}");
            Vec::new()
        }
    }
}
