//! The verdict of the `barrier` example: did every cook finish prepping before any cook
//! started cooking? Read from the lines the cooks printed, in the order they printed them.

/// True when the last `cook N: prepped` line comes before the first `cook N: cooking` line.
/// Only the cooks' own lines count: the leader's `the leader: everyone prepped` is printed
/// after the barrier, and may come after a cook's `cooking` line on a busy machine.
pub fn prepped_before_cooking(log: &[String]) -> bool {
    let said = |line: &str, what: &str| {
        line.strip_prefix("cook ")
            .and_then(|rest| rest.split_once(": "))
            .is_some_and(|(n, said)| n.parse::<u64>().is_ok() && said == what)
    };
    let last_prep = log.iter().rposition(|l| said(l, "prepped"));
    let first_cooking = log.iter().position(|l| said(l, "cooking"));
    matches!((last_prep, first_cooking), (Some(p), Some(c)) if p < c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn the_leaders_line_may_come_after_a_cook_has_started() {
        // An order seen under load: the leader was descheduled after the barrier.
        let late_leader = log(&[
            "cook 1: prepped",
            "cook 2: prepped",
            "cook 2: cooking",
            "the leader: everyone prepped",
            "cook 1: cooking",
        ]);
        assert!(prepped_before_cooking(&late_leader));
    }

    #[test]
    fn a_cook_who_cooks_before_another_preps_is_caught() {
        let out_of_step = log(&["cook 1: prepped", "cook 1: cooking", "cook 2: prepped"]);
        assert!(!prepped_before_cooking(&out_of_step));
        assert!(!prepped_before_cooking(&log(&["cook 1: prepped"])));
    }
}
