// An async block is not `Unpin`: `Pin::new` refuses it, so it cannot be polled through a
// plain `&mut`. The chapter shows what rustc says about this file.
use std::pin::Pin;
use std::task::{Context, Poll};

pub fn poll_in_place(cx: &mut Context<'_>) -> Poll<usize> {
    let mut order = async {
        let dishes = ["ramen", "tea", "soup"];
        let first = &dishes[0];
        std::future::ready(()).await;
        first.len()
    };
    Pin::new(&mut order).poll(cx)
}
