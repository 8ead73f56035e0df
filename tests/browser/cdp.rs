//! A page in Chromium, driven over the DevTools protocol: JSON messages on one WebSocket,
//! which tungstenite carries. The tests need a dozen of the protocol's methods, each a call
//! and its answer, and four of its events.
//!
//! Why not headless_chrome, which this test used before: every call it made waited up to
//! 100 ms for its reader thread to let go of the socket (its issue #446, open), so a click took
//! half a second and this test two and a half minutes; and its code generator's build
//! dependencies (ureq, rustls, ring) cost about 55 s of a first build on two cores.
//!
//! One thread, no reader of its own: a call writes its message, then reads until its answer
//! arrives, handing each event read on the way to the listeners. Chromium sends a page's
//! messages in order, so any call also delivers every event sent before its answer.

use std::cell::{Cell, RefCell};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use crate::WAIT;

/// What a listener gets: the event's method (`Network.requestWillBeSent`) and its params.
type Listener = Box<dyn Fn(&str, &Value)>;

/// One page (a tab) of a running Chromium.
pub struct Tab {
    socket: RefCell<WebSocket<TcpStream>>,
    /// The page's session on the browser's connection, once attached.
    session: Option<String>,
    next_id: Cell<u64>,
    listeners: RefCell<Vec<Listener>>,
}

impl Tab {
    /// Connects to the browser at `ws_url` (`ws://127.0.0.1:PORT/devtools/browser/ID`) and
    /// opens a new, blank page.
    pub fn open(ws_url: &str) -> Result<Tab> {
        let address = ws_url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .with_context(|| format!("not a ws:// address: {ws_url}"))?;
        let stream = TcpStream::connect(address)
            .with_context(|| format!("cannot connect to Chromium at {address}"))?;
        // No read waits forever: a browser that stops answering fails the test.
        stream.set_read_timeout(Some(WAIT))?;
        stream.set_nodelay(true)?;
        let (socket, _) = tungstenite::client(ws_url, stream)
            .map_err(|e| anyhow!("WebSocket handshake with {ws_url}: {e}"))?;
        let mut tab = Tab {
            socket: RefCell::new(socket),
            session: None,
            next_id: Cell::new(1),
            listeners: RefCell::new(Vec::new()),
        };
        let target = tab.call("Target.createTarget", json!({ "url": "about:blank" }))?;
        let target = target["targetId"].as_str().context("a target id")?;
        let attached = tab.call(
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
        )?;
        let session = attached["sessionId"].as_str().context("a session id")?;
        tab.session = Some(session.to_owned());
        tab.call("Page.enable", json!({}))?;
        Ok(tab)
    }

    /// Calls `method` on the page and returns its result; events that arrive before the
    /// answer go to the listeners.
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        let mut socket = self.socket.borrow_mut();
        socket
            .send(Message::text(message.to_string()))
            .with_context(|| format!("cannot send {method} to Chromium"))?;
        loop {
            let text = match socket.read() {
                Ok(Message::Text(text)) => text,
                Ok(Message::Close(_)) => bail!("Chromium closed the connection during {method}"),
                Ok(_) => continue,
                Err(e) => {
                    bail!("no answer from Chromium to {method} (waited at most {WAIT:?}): {e}")
                }
            };
            let reply: Value = serde_json::from_str(text.as_str())
                .with_context(|| format!("Chromium sent something that is not JSON: {text}"))?;
            if reply["id"].as_u64() == Some(id) {
                if let Some(error) = reply.get("error") {
                    bail!("{method}: {error}");
                }
                return Ok(reply["result"].clone());
            }
            let ours = reply["sessionId"].as_str() == self.session.as_deref();
            if let (Some(event), true) = (reply["method"].as_str(), ours) {
                for listener in self.listeners.borrow().iter() {
                    listener(event, &reply["params"]);
                }
            }
        }
    }

    /// Hands every later event of this page to `listener`.
    pub fn on_event(&self, listener: impl Fn(&str, &Value) + 'static) {
        self.listeners.borrow_mut().push(Box::new(listener));
    }

    /// Starts loading `url` (the caller waits for it to finish).
    pub fn navigate(&self, url: &str) -> Result<()> {
        let result = self.call("Page.navigate", json!({ "url": url }))?;
        if let Some(error) = result["errorText"].as_str() {
            bail!("cannot load {url}: {error}");
        }
        Ok(())
    }

    /// Runs a JavaScript expression and returns its value as JSON (`null` for `undefined`);
    /// with `await_promise`, waits for the promise it gives. A thrown exception is an error.
    pub fn evaluate(&self, expression: &str, await_promise: bool) -> Result<Value> {
        let result = self.call(
            "Runtime.evaluate",
            json!({
                "expression": expression,
                "returnByValue": true,
                "awaitPromise": await_promise,
            }),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            let what = details["exception"]["description"]
                .as_str()
                .or(details["text"].as_str())
                .unwrap_or("an exception");
            bail!("{expression} threw {what}");
        }
        Ok(result["result"]["value"].clone())
    }

    /// The page's title.
    pub fn title(&self) -> Result<String> {
        let title = self.evaluate("document.title", false)?;
        Ok(title.as_str().unwrap_or_default().to_owned())
    }

    /// Whether the element `selector` finds is shown (it must exist).
    pub fn is_visible(&self, selector: &str) -> Result<bool> {
        let js = format!(
            "(() => {{ const e = document.querySelector({selector:?});
                if (!e) return null;
                const r = e.getBoundingClientRect();
                return e.checkVisibility() && r.width > 0 && r.height > 0; }})()"
        );
        self.evaluate(&js, false)?
            .as_bool()
            .with_context(|| format!("no element {selector} on the page"))
    }

    /// Waits until the element `selector` finds is shown.
    pub fn wait_until_visible(&self, selector: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        while !self.is_visible(selector)? {
            ensure!(
                Instant::now() < deadline,
                "{selector} was not shown within {WAIT:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Clicks the element `selector` finds as a reader does: scrolled into view, the mouse
    /// moved over its middle, pressed and released there, through the browser's own hit test.
    pub fn click(&self, selector: &str) -> Result<()> {
        self.click_nth(selector, 0)
    }

    /// Clicks, as [`click`](Self::click) does, the `n`-th element `selector` finds.
    pub fn click_nth(&self, selector: &str, n: usize) -> Result<()> {
        let js = format!(
            "(() => {{ const e = document.querySelectorAll({selector:?})[{n}];
                if (!e) return null;
                e.scrollIntoView({{ block: 'center', inline: 'center', behavior: 'instant' }});
                const r = e.getBoundingClientRect();
                return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
        );
        let point = self.evaluate(&js, false)?;
        let (Some(x), Some(y)) = (point[0].as_f64(), point[1].as_f64()) else {
            bail!("no element {selector} number {n} to click");
        };
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            let mut event = json!({ "type": kind, "x": x, "y": y });
            if kind != "mouseMoved" {
                event["button"] = json!("left");
                event["clickCount"] = json!(1);
            }
            self.call("Input.dispatchMouseEvent", event)?;
        }
        Ok(())
    }

    /// Types `text` into the focused element, as an input method does (one `input` event,
    /// no key events).
    pub fn insert_text(&self, text: &str) -> Result<()> {
        self.call("Input.insertText", json!({ "text": text }))?;
        Ok(())
    }

    /// A PNG of what the page shows now.
    pub fn screenshot_png(&self) -> Result<Vec<u8>> {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "fromSurface": true }),
        )?;
        let data = shot["data"].as_str().context("screenshot data")?;
        data_encoding::BASE64
            .decode(data.as_bytes())
            .context("the screenshot is not base64")
    }
}

impl std::fmt::Debug for Tab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tab")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}
