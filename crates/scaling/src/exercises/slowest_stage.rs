//! Exercise: The slowest stage of a pipeline (easy)
//!
//! Write `pipeline_rate`. A pipeline passes every item through its stages in turn, like the
//! dataflow of this chapter (read the numbers, test each, count, exchange). Each stage has
//! some workers, and one worker of the stage handles `per_worker` items per second, so the
//! stage handles `per_worker * workers` items per second. Stages run at the same time, each
//! on its own items, so the pipeline as a whole handles as many items per second as its
//! slowest stage, the *bottleneck*: the other stages wait for it or in front of it.
//!
//! Return the index of the bottleneck and the pipeline's rate (items per second), or `None`
//! for a pipeline without stages. When several stages tie for the slowest, give the first.
//! A stage with no workers handles nothing: it is the bottleneck, and the rate is 0.
//!
//! The point to take away: more workers on any other stage change nothing; only the
//! bottleneck's workers (or a faster bottleneck) make the whole pipeline faster, until
//! another stage becomes the slowest. It is Amdahl's lesson in another shape.

/// One stage of a pipeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    /// Items per second that one worker of this stage handles.
    pub per_worker: f64,
    /// How many workers the stage has.
    pub workers: u32,
}

/// The index of the slowest stage (the first of equals) and the items per second the whole
/// pipeline handles; `None` without stages.
pub fn pipeline_rate(stages: &[Stage]) -> Option<(usize, f64)> {
    // solution: begin
    let mut slowest: Option<(usize, f64)> = None;
    for (index, stage) in stages.iter().enumerate() {
        let rate = stage.per_worker * f64::from(stage.workers);
        if slowest.is_none_or(|(_, best)| rate < best) {
            slowest = Some((index, rate));
        }
    }
    slowest
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(per_worker: f64, workers: u32) -> Stage {
        Stage {
            per_worker,
            workers,
        }
    }

    #[test]
    fn the_slowest_stage_sets_the_pace() {
        // 100, 60 and 200 items per second: the middle stage sets the pace.
        let stages = [stage(100.0, 1), stage(30.0, 2), stage(50.0, 4)];
        assert_eq!(pipeline_rate(&stages), Some((1, 60.0)));
        assert_eq!(pipeline_rate(&[stage(8.0, 3)]), Some((0, 24.0)));
    }

    #[test]
    fn only_workers_on_the_bottleneck_help() {
        let mut stages = [stage(100.0, 1), stage(30.0, 2), stage(50.0, 4)];
        // Twice the workers on a stage that is not the slowest: nothing changes.
        stages[2].workers = 8;
        assert_eq!(pipeline_rate(&stages), Some((1, 60.0)));
        // Twice the workers on the slowest stage: it is no longer the slowest.
        stages[1].workers = 4;
        assert_eq!(pipeline_rate(&stages), Some((0, 100.0)));
    }

    #[test]
    fn ties_idle_stages_and_no_stages() {
        assert_eq!(
            pipeline_rate(&[stage(40.0, 1), stage(20.0, 2), stage(10.0, 4)]),
            Some((0, 40.0))
        );
        assert_eq!(
            pipeline_rate(&[stage(40.0, 1), stage(1e9, 0)]),
            Some((1, 0.0))
        );
        assert_eq!(pipeline_rate(&[]), None);
    }
}
