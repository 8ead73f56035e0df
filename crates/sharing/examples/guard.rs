//! A `MutexGuard` is the lock: while it lives, nobody else gets in; when it is dropped, the
//! lock opens. And a thread that panics while holding it poisons the mutex.
use std::sync::{Mutex, TryLockError};
use std::thread;

use anyhow::{Result, bail};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Watch a guard unlock on drop, and a panic poison a mutex")]
struct Args {
    /// Noodles in stock at the start.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=1000))]
    stock: u32,
}

/// What `try_lock` says right now, without waiting.
fn state(stock: &Mutex<u32>) -> &'static str {
    match stock.try_lock() {
        Ok(_) => "free",
        Err(TryLockError::WouldBlock) => "locked",
        Err(TryLockError::Poisoned(_)) => "poisoned",
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let stock = Mutex::new(args.stock);

    // ANCHOR: guard
    {
        let mut noodles = stock.lock().unwrap_or_else(|e| e.into_inner());
        *noodles -= 1;
        println!("guard alive:   the mutex is {}", state(&stock));
    } // `noodles` is dropped here, and that unlocks
    println!("guard dropped: the mutex is {}", state(&stock));
    // ANCHOR_END: guard

    // ANCHOR: poison
    // A clerk takes the stock, starts an update in two steps, and panics between them.
    thread::scope(|scope| {
        let clerk = thread::Builder::new()
            .name("clerk".into())
            .spawn_scoped(scope, || {
                let mut noodles = stock.lock().unwrap_or_else(|e| e.into_inner());
                *noodles -= 2; // the first step: two noodles taken out...
                panic!("the clerk slipped"); // ...and the second step never happens
            });
        match clerk.map(|handle| handle.join()) {
            Ok(Err(_)) => println!("main: the clerk panicked while holding the lock"),
            Ok(Ok(())) => println!("main: the clerk finished"),
            Err(e) => println!("main: no clerk: {e}"),
        }
    });
    println!("after the panic: the mutex is {}", state(&stock));
    match stock.lock() {
        Ok(noodles) => println!("lock: {} noodles", *noodles),
        Err(poisoned) => {
            // The data is still there; poisoning only says that it may be half-updated.
            let noodles = poisoned.into_inner();
            println!(
                "lock: poisoned; into_inner shows {} noodles anyway",
                *noodles
            );
        }
    }
    stock.clear_poison();
    println!("after clear_poison: the mutex is {}", state(&stock));
    // ANCHOR_END: poison
    if stock.is_poisoned() {
        bail!("the mutex is still poisoned");
    }
    Ok(())
}
