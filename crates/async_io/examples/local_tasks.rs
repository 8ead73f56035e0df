//! Futures that are not `Send` on a `LocalSet`, beside a `Send` task on the same runtime.

use anyhow::Result;
use async_io::local::serve_locally;
use clap::Parser;

/// Runs three orders that share an `Rc<RefCell<..>>` on a `LocalSet` of a multi-thread
/// runtime, and one plain `tokio::spawn` task, and says which thread ran each.
#[derive(Parser, Debug)]
struct Args {}

// ANCHOR: main
fn main() -> Result<()> {
    Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("worker")
        .enable_all()
        .build()?;
    println!("a multi_thread runtime with 2 workers; block_on runs on thread main");
    runtime.block_on(async {
        let served = serve_locally(&[("ramen", 3), ("tea", 1), ("soup", 2)]).await?;
        println!(
            "  spawn_local: finished {}; ran on thread {}",
            served.finished.join(", "),
            served.threads.join(", ")
        );
        println!(
            "  they shared one Rc<RefCell<Vec>>: {} dishes on it, {} Rc left afterwards",
            served.finished.len(),
            served.handles_left
        );
        // A `Send` task spawned from the same place goes to a worker, not to this thread.
        let ran_on = tokio::spawn(async {
            let here = std::thread::current();
            here.name().unwrap_or("unnamed").to_owned()
        })
        .await?;
        println!("  tokio::spawn from the same place: ran on thread {ran_on}");
        anyhow::Ok(())
    })
}
// ANCHOR_END: main
