//! Keeping the end of a program's output when it prints too much: a failing build or
//! test prints its error last.

/// The last `limit` bytes (or so) written, and how many bytes before them were dropped.
#[derive(Debug)]
pub(super) struct Tail {
    kept: Vec<u8>,
    cut: usize,
    limit: usize,
}

impl Tail {
    pub fn new(limit: usize) -> Self {
        Tail {
            kept: Vec::new(),
            cut: 0,
            limit,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.kept.extend_from_slice(bytes);
        // Dropping the front only when twice the limit is reached keeps the copying linear.
        if self.kept.len() > 2 * self.limit {
            self.drop_front(self.kept.len() - self.limit);
        }
    }

    fn drop_front(&mut self, n: usize) {
        self.kept.drain(..n);
        self.cut += n;
    }

    /// The text kept. When some was cut, it starts at a whole line, after a first line that
    /// says how many bytes were cut.
    pub fn text(&self) -> String {
        let excess = self.kept.len().saturating_sub(self.limit);
        let mut start = excess;
        let cut = self.cut + excess;
        if cut == 0 {
            return String::from_utf8_lossy(&self.kept).into_owned();
        }
        // Skip the rest of the line the cut went through (if the tail has more than one line).
        if let Some(nl) = self.kept[start..].iter().position(|&b| b == b'\n')
            && start + nl + 1 < self.kept.len()
        {
            start += nl + 1;
        }
        format!(
            "[... {} bytes cut ...]\n{}",
            self.cut + start,
            String::from_utf8_lossy(&self.kept[start..])
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_output_is_kept_whole() {
        let mut tail = Tail::new(10);
        tail.push(b"one\n");
        tail.push(b"two\n");
        assert_eq!(tail.text(), "one\ntwo\n");
    }

    #[test]
    fn long_output_keeps_its_last_lines_and_says_how_much_was_cut() {
        let mut tail = Tail::new(10);
        for i in 0..100 {
            tail.push(format!("line {i:02}\n").as_bytes());
        }
        tail.push(b"error!\n");
        // 807 bytes written; the last 10 are "99\nerror!\n", and the cut goes on to the end
        // of the broken line "line 99".
        assert_eq!(tail.text(), "[... 800 bytes cut ...]\nerror!\n");
    }

    #[test]
    fn one_long_line_is_cut_inside_it() {
        let mut tail = Tail::new(4);
        tail.push(b"abcdefghij");
        assert_eq!(tail.text(), "[... 6 bytes cut ...]\nghij");
    }
}
