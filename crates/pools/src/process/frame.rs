//! The wire between the pool and a worker: what a frame is, as bytes. Reading and writing
//! frames is each side's own business: the pool's, never blocking, in `worker.rs`; the
//! worker's, blocking on its pipes, in `serve.rs` (as mini-redis keeps its `frame.rs`, the
//! format, apart from its `connection.rs`, the socket).
//!
//! Every message is one frame: a 13-byte header, then the payload.
//!
//! ```text
//! kind (1 byte) | task id (8 bytes, little-endian) | payload length (4 bytes, little-endian) | payload
//! ```
//!
//! | kind | from   | id        | payload                                   |
//! | ---- | ------ | --------- | ----------------------------------------- |
//! | `R`  | worker | 0         | `pools-worker 1`: ready, once, first      |
//! | `T`  | pool   | a new id  | the task's input (UTF-8 text)             |
//! | `O`  | worker | the task's| the job's value                           |
//! | `E`  | worker | the task's| why the job refused the input             |
//!
//! The length field makes a payload of any size (up to 4 GiB) one message: nothing in the
//! payload (a newline, a line that looks like an answer) can end it early or be taken for
//! another message. The id ties an answer to its task, whatever order answers come in.

use std::io;

/// The size of a frame's header.
pub(crate) const HEADER: usize = 13;

/// What a worker's first frame says: the protocol and its version.
pub(crate) const HELLO: &[u8] = b"pools-worker 1";

/// The four kinds of frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Ready,
    Task,
    Ok,
    Err,
}

impl Kind {
    pub(crate) fn byte(self) -> u8 {
        match self {
            Kind::Ready => b'R',
            Kind::Task => b'T',
            Kind::Ok => b'O',
            Kind::Err => b'E',
        }
    }

    pub(crate) fn from_byte(byte: u8) -> Option<Kind> {
        match byte {
            b'R' => Some(Kind::Ready),
            b'T' => Some(Kind::Task),
            b'O' => Some(Kind::Ok),
            b'E' => Some(Kind::Err),
            _ => None,
        }
    }
}

/// One message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    pub kind: Kind,
    pub id: u64,
    pub payload: Vec<u8>,
}

// ANCHOR: frame
/// Appends one frame to `out`.
pub(crate) fn encode(out: &mut Vec<u8>, kind: Kind, id: u64, payload: &[u8]) -> io::Result<()> {
    let length = u32::try_from(payload.len()).map_err(|_| {
        io::Error::new(io::ErrorKind::InvalidInput, "a payload must be under 4 GiB")
    })?;
    out.push(kind.byte());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(payload);
    Ok(())
}

/// The first whole frame in `bytes` and its size in bytes; `Ok(None)` if `bytes` holds only
/// part of one so far.
pub(crate) fn decode(bytes: &[u8]) -> Result<Option<(Frame, usize)>, String> {
    // The kind byte is checked as soon as it is here: bytes that are not a frame (a line of
    // text, say) are refused at once, not after waiting for a whole header.
    let Some(&first) = bytes.first() else {
        return Ok(None);
    };
    let kind = Kind::from_byte(first)
        .ok_or_else(|| format!("a frame of unknown kind {:?}", char::from(first)))?;
    let Some(header) = bytes.get(..HEADER) else {
        return Ok(None);
    };
    let id = u64::from_le_bytes(header[1..9].try_into().expect("8 bytes"));
    let length = u32::from_le_bytes(header[9..13].try_into().expect("4 bytes")) as usize;
    let Some(payload) = bytes.get(HEADER..HEADER + length) else {
        return Ok(None);
    };
    let frame = Frame {
        kind,
        id,
        payload: payload.to_vec(),
    };
    Ok(Some((frame, HEADER + length)))
}
// ANCHOR_END: frame

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_comes_back_as_it_went_whatever_its_payload() -> io::Result<()> {
        let mut bytes = Vec::new();
        encode(&mut bytes, Kind::Task, 7, b"sq 3\nok 42\n")?;
        encode(&mut bytes, Kind::Ok, u64::MAX, b"")?;
        let (first, used) = decode(&bytes).unwrap().unwrap();
        assert_eq!(first.kind, Kind::Task);
        assert_eq!(
            (first.id, first.payload.as_slice()),
            (7, &b"sq 3\nok 42\n"[..])
        );
        let (second, rest) = decode(&bytes[used..]).unwrap().unwrap();
        assert_eq!(
            (second.kind, second.id, second.payload.len()),
            (Kind::Ok, u64::MAX, 0)
        );
        assert_eq!(used + rest, bytes.len());
        Ok(())
    }

    #[test]
    fn part_of_a_frame_is_not_a_frame_yet() -> io::Result<()> {
        let mut bytes = Vec::new();
        encode(&mut bytes, Kind::Ok, 1, b"12345")?;
        for cut in 0..bytes.len() {
            // (The kind byte alone is checked at once: `O` is a kind, so none of these fail.)
            assert_eq!(decode(&bytes[..cut]), Ok(None), "{cut} bytes");
        }
        assert!(decode(&bytes).is_ok_and(|frame| frame.is_some()));
        Ok(())
    }

    #[test]
    fn a_line_of_text_is_not_a_frame() {
        assert!(decode(b"ok 42\nok 43\nok 44\n").is_err());
    }
}
