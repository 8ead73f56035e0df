//! Two locks taken in opposite orders: a transfer between two accounts locks both balances,
//! and two transfers running the opposite ways can each hold one lock and wait for the other
//! for ever. The fix is one global order: always lock the account with the smaller id first.

use std::sync::PoisonError;

use crate::sync::{Mutex, MutexGuard};

// ANCHOR: account
/// A balance behind its own lock, and an id that fixes the order in which locks are taken.
#[derive(Debug)]
pub struct Account {
    id: u32,
    name: &'static str,
    balance: Mutex<i64>,
}

impl Account {
    pub fn new(id: u32, name: &'static str, balance: i64) -> Account {
        Account {
            id,
            name,
            balance: Mutex::new(balance),
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn balance(&self) -> i64 {
        *lock(&self.balance)
    }
}

/// Which lock a transfer takes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockOrder {
    /// The account money leaves, then the one it goes to: two opposite transfers take the
    /// same two locks in opposite orders.
    FromThenTo,
    /// The account with the smaller id, whichever way the money goes: every thread takes
    /// every pair of locks in the same order.
    ById,
}
// ANCHOR_END: account

/// Locks a balance, ignoring poisoning: a transfer cannot panic while it holds a lock.
fn lock(balance: &Mutex<i64>) -> MutexGuard<'_, i64> {
    balance.lock().unwrap_or_else(PoisonError::into_inner)
}

// ANCHOR: transfer
/// Moves `amount` from `from` to `to`, holding both locks so that no thread ever sees the
/// money in neither account or in both. `between` runs after the first lock is taken and
/// before the second is asked for, with (the account held, the account wanted): the example
/// uses it to report who holds what, and to make the bad timing happen every time.
pub fn transfer_with(
    from: &Account,
    to: &Account,
    amount: i64,
    order: LockOrder,
    between: impl FnOnce(&Account, &Account),
) {
    if std::ptr::eq(from, to) {
        return; // one lock, taken twice by one thread, would deadlock on its own
    }
    let (first, second) = match order {
        LockOrder::FromThenTo => (from, to),
        LockOrder::ById if from.id < to.id => (from, to),
        LockOrder::ById => (to, from),
    };
    let mut first_balance = lock(&first.balance);
    between(first, second);
    let mut second_balance = lock(&second.balance);
    let (from_balance, to_balance) = if std::ptr::eq(first, from) {
        (&mut *first_balance, &mut *second_balance)
    } else {
        (&mut *second_balance, &mut *first_balance)
    };
    *from_balance -= amount;
    *to_balance += amount;
}

/// [`transfer_with`] with nothing in between.
pub fn transfer(from: &Account, to: &Account, amount: i64, order: LockOrder) {
    transfer_with(from, to, amount, order, |_, _| {});
}
// ANCHOR_END: transfer

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_moves_the_money_both_ways_and_in_both_orders() {
        let (a, b) = (Account::new(1, "a", 100), Account::new(2, "b", 0));
        transfer(&a, &b, 30, LockOrder::ById);
        transfer(&b, &a, 10, LockOrder::ById);
        transfer(&a, &b, 5, LockOrder::FromThenTo);
        assert_eq!((a.balance(), b.balance()), (75, 25));
    }

    #[test]
    fn a_transfer_to_the_same_account_changes_nothing_and_returns() {
        let a = Account::new(1, "a", 100);
        transfer(&a, &a, 30, LockOrder::ById);
        assert_eq!(a.balance(), 100);
    }

    #[test]
    fn the_id_order_takes_the_smaller_id_first_whichever_way_money_goes() {
        let (a, b) = (Account::new(1, "a", 0), Account::new(2, "b", 0));
        let mut seen = Vec::new();
        transfer_with(&b, &a, 1, LockOrder::ById, |held, wanted| {
            seen.push((held.name(), wanted.name()));
        });
        transfer_with(&b, &a, 1, LockOrder::FromThenTo, |held, wanted| {
            seen.push((held.name(), wanted.name()));
        });
        assert_eq!(seen, [("a", "b"), ("b", "a")]);
    }

    #[test]
    fn opposite_transfers_in_id_order_finish_and_keep_the_total() {
        use std::sync::{Arc, mpsc};
        let a = Arc::new(Account::new(1, "a", 1000));
        let b = Arc::new(Account::new(2, "b", 1000));
        let (done, finished) = mpsc::channel();
        for (from, to, amount) in [(&a, &b, 1), (&b, &a, 2)] {
            let (from, to, done) = (Arc::clone(from), Arc::clone(to), done.clone());
            std::thread::spawn(move || {
                (0..10_000).for_each(|_| transfer(&from, &to, amount, LockOrder::ById));
                done.send(()).unwrap();
            });
        }
        // A deadline instead of `join`: a deadlock fails the test instead of hanging it.
        for _ in 0..2 {
            finished
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("the transfers deadlocked");
        }
        assert_eq!((a.balance(), b.balance()), (11_000, -9_000));
    }
}
