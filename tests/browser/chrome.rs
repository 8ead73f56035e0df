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
use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Network;
use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption;
use headless_chrome::protocol::cdp::types::Event;

use crate::WAIT;

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
        tab.add_event_listener(Arc::new(move |event: &Event| match event {
            Event::NetworkRequestWillBeSent(sent) => {
                sink.requests
                    .lock()
                    .unwrap()
                    .push(sent.params.request.url.clone());
            }
            Event::RuntimeConsoleAPICalled(call)
                if matches!(
                    call.params.Type,
                    ConsoleAPICalledEventTypeOption::Error
                        | ConsoleAPICalledEventTypeOption::Assert
                ) =>
            {
                let args: Vec<String> = call
                    .params
                    .args
                    .iter()
                    .map(|arg| match (&arg.value, &arg.description) {
                        (Some(value), _) => value.to_string(),
                        (None, Some(description)) => description.clone(),
                        (None, None) => format!("{:?}", arg.Type),
                    })
                    .collect();
                sink.error(format!("console.error: {}", args.join(" ")));
            }
            Event::RuntimeExceptionThrown(thrown) => {
                let details = &thrown.params.exception_details;
                let what = details
                    .exception
                    .as_ref()
                    .and_then(|e| e.description.clone());
                sink.error(format!(
                    "uncaught: {} {}",
                    details.text,
                    what.unwrap_or_default()
                ));
            }
            // The browser's own messages, such as "Failed to load resource".
            Event::LogEntryAdded(added) if added.params.entry.level == LogEntryLevel::Error => {
                let entry = &added.params.entry;
                let url = entry.url.clone().unwrap_or_default();
                sink.error(format!("{:?}: {} {url}", entry.source, entry.text));
            }
            _ => {}
        }))?;
        tab.call_method(Network::Enable {
            max_total_buffer_size: None,
            max_resource_buffer_size: None,
            max_post_data_size: None,
            report_direct_socket_traffic: None,
            enable_durable_messages: None,
        })?;
        tab.enable_runtime()?;
        tab.enable_log()?;
        Ok(seen)
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
