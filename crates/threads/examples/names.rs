//! Naming threads, and reading the current thread's name and id.
use std::thread::{self, ThreadId};

use anyhow::{Context, Result, anyhow};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Name some threads and let each report its name and id")]
struct Args {
    /// Names for the named threads (an unnamed one always follows them).
    #[arg(default_values_t = ["delivery".to_owned(), "retrieve-dish".to_owned()])]
    names: Vec<String>,
}

// ANCHOR: whoami
/// What a thread knows about itself: its name (if it was given one) and its id.
fn whoami() -> (Option<String>, ThreadId) {
    let me = thread::current();
    (me.name().map(str::to_owned), me.id())
}
// ANCHOR_END: whoami

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(bad) = args
        .names
        .iter()
        .find(|name| name.is_empty() || name.contains('\0'))
    {
        return Err(anyhow!(
            "a thread name must be non-empty without NUL bytes, got {bad:?}"
        ));
    }
    // ANCHOR: names
    let (name, id) = whoami();
    println!("{name:?} is {id:?}");

    let mut handles = Vec::new();
    for name in &args.names {
        let handle = thread::Builder::new()
            .name(name.clone())
            .spawn(whoami)
            .with_context(|| format!("spawning {name}"))?;
        handles.push(handle);
    }
    // `thread::spawn` is `Builder::new().spawn(..)` with no name.
    handles.push(thread::spawn(whoami));

    // Joined in order of creation, so the lines come out in that order.
    for handle in handles {
        let (name, id) = handle.join().map_err(|_| anyhow!("a thread panicked"))?;
        println!("{name:?} is {id:?}");
    }
    // ANCHOR_END: names
    Ok(())
}
