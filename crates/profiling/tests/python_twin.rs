//! The Python twin names the same eight builders, in the lesson's order.

use std::ffi::OsStr;
use std::num::{NonZeroU32, NonZeroUsize};

use profiling::builders::lesson;
use profiling::python;

#[test]
fn the_twin_times_the_same_builders_in_the_same_order() {
    let Some(py) = python::run(OsStr::new("python3"), NonZeroU32::MIN, NonZeroUsize::MIN)
        .expect("the twin runs")
    else {
        eprintln!("python3 not found: nothing to compare");
        return;
    };
    let names: Vec<&str> = py.per_call.iter().map(|(n, _)| n.as_str()).collect();
    let rust: Vec<&str> = lesson().map(|b| b.name).collect();
    assert_eq!(names, rust);
    assert!(
        py.python.contains("Python") || py.python.contains("PyPy"),
        "{}",
        py.python
    );
}

#[test]
fn the_twin_rejects_bad_arguments() {
    let status = std::process::Command::new("python3")
        .arg(python::script())
        .args(["--number", "0"])
        .output();
    match status {
        Ok(out) => {
            assert!(!out.status.success());
            assert!(String::from_utf8_lossy(&out.stderr).contains("must be at least 1"));
        }
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}"),
    }
}
