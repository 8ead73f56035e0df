//! `thread_local!`: each thread has its own copy of a variable, created on the thread's first
//! use and dropped when the thread ends. No lock, because nothing is shared.
use std::cell::{Cell, RefCell};
use std::thread;

use anyhow::Result;
use clap::Parser;

#[derive(Parser)]
#[command(about = "Give every thread its own counter and scratch buffer")]
struct Args {
    /// Orders each thread serves.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    orders: u32,
}

// ANCHOR: locals
thread_local! {
    /// Orders served by this thread: a `Cell` is enough, no other thread can see it.
    static SERVED: Cell<u32> = const { Cell::new(0) };
    /// A scratch buffer each thread reuses instead of allocating a new one per order.
    static SCRATCH: RefCell<String> = RefCell::new(String::with_capacity(64));
}

fn serve(order: u32) -> usize {
    SERVED.with(|served| served.set(served.get() + 1));
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        scratch.push_str(&format!("order {order}"));
        scratch.len()
    })
}
// ANCHOR_END: locals

fn main() -> Result<()> {
    let args = Args::parse();
    // ANCHOR: threads
    thread::scope(|scope| {
        for (name, extra) in [("counter", 0), ("terrace", 2)] {
            scope.spawn(move || {
                for order in 0..args.orders + extra {
                    serve(order);
                }
                println!("{name}: served {}", SERVED.get());
            });
        }
    });
    println!("main: served {} (main's own copy, untouched)", SERVED.get());
    // ANCHOR_END: threads
    Ok(())
}
