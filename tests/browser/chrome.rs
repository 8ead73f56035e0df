//! Headless Chromium, started in its own process group and killed with every helper process
//! it started, and `Seen`: what it reported while a test ran (requests and errors).

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::WAIT;
use crate::cdp::Tab;

/// The names Chromium goes by on PATH: Debian's first.
pub const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// What the browser reported while the test ran: every request and every error.
#[derive(Debug, Default)]
pub struct Seen {
    requests: Mutex<Vec<String>>,
    errors: Mutex<Vec<String>>,
}

impl Seen {
    pub fn listen(tab: &Tab) -> Result<Arc<Seen>> {
        let seen = Arc::new(Seen::default());
        let sink = Arc::clone(&seen);
        tab.on_event(move |event, params| sink.on(event, params));
        for domain in ["Network", "Runtime", "Log"] {
            tab.call(&format!("{domain}.enable"), json!({}))?;
        }
        Ok(seen)
    }

    fn on(&self, event: &str, params: &Value) {
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        match event {
            "Network.requestWillBeSent" => {
                let url = text(&params["request"]["url"]);
                self.requests.lock().unwrap().push(url);
            }
            "Runtime.consoleAPICalled"
                if matches!(params["type"].as_str(), Some("error" | "assert")) =>
            {
                let args: Vec<String> = params["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|arg| match (&arg.get("value"), &arg["description"]) {
                        (Some(value), _) => value.to_string(),
                        (None, Value::String(description)) => description.clone(),
                        (None, _) => text(&arg["type"]),
                    })
                    .collect();
                self.error(format!("console.error: {}", args.join(" ")));
            }
            "Runtime.exceptionThrown" => {
                let details = &params["exceptionDetails"];
                self.error(format!(
                    "uncaught: {} {}",
                    text(&details["text"]),
                    text(&details["exception"]["description"])
                ));
            }
            // The browser's own messages, such as "Failed to load resource".
            "Log.entryAdded" if params["entry"]["level"] == "error" => {
                let entry = &params["entry"];
                self.error(format!(
                    "{}: {} {}",
                    text(&entry["source"]),
                    text(&entry["text"]),
                    text(&entry["url"])
                ));
            }
            _ => {}
        }
    }

    pub fn error(&self, message: String) {
        self.errors.lock().unwrap().push(message);
    }

    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap().clone()
    }

    pub fn clear_errors(&self) {
        self.errors.lock().unwrap().clear();
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Headless Chromium in its own process group, killed with all its helper processes when
/// dropped, whatever happened in between.
#[derive(Debug)]
pub struct Chromium {
    child: Child,
    pub ws_url: String,
    dir: tempfile::TempDir,
}

impl Chromium {
    pub fn launch(exe: &Path) -> Result<Chromium> {
        let dir = tempfile::tempdir()?;
        let profile = dir.path().join("profile");
        let log = fs::File::create(dir.path().join("chromium.log"))?;
        let child = Command::new(exe)
            // Without the networking flags Chromium calls home (updates, sync, field trials),
            // which a closed network refuses, and which this test must not see anyway.
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .with_context(|| format!("cannot start {}", exe.display()))?;
        let mut chromium = Chromium {
            child,
            ws_url: String::new(),
            dir,
        };
        // With port 0 Chromium picks a free port and writes it, with the browser's
        // DevTools path, into this file.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + WAIT;
        while chromium.ws_url.is_empty() {
            if let Ok(text) = fs::read_to_string(&port_file)
                && let [port, path] = text.lines().collect::<Vec<_>>()[..]
                && port.parse::<u16>().is_ok()
            {
                chromium.ws_url = format!("ws://127.0.0.1:{port}{path}");
            } else if let Some(status) = chromium.child.try_wait()? {
                bail!(
                    "chromium ended ({status}) before listening: {}",
                    chromium.log()
                );
            } else if Instant::now() > deadline {
                bail!(
                    "chromium did not listen within {WAIT:?}: {}",
                    chromium.log()
                );
            } else {
                thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(chromium)
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("chromium.log")).unwrap_or_default()
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // The group holds the browser and every renderer, GPU and utility process it started
        // (its crash handler leaves the group, but ends by itself when the browser is gone).
        let group = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

pub fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    CHROMIUM_NAMES
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}
