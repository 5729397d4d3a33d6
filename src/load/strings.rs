//! Many short strings in one buffer: millions of ids without an allocation each.

/// Strings numbered from 0 in the order pushed, stored end to end.
#[derive(Debug, Default, Clone)]
pub struct Strings {
    text: String,
    /// `ends[i]` is where string `i` ends in `text`; it starts where `i - 1` ends.
    ends: Vec<u32>,
}

impl Strings {
    /// How many strings are held.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Makes room for `strings` more strings of `bytes` in all.
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(strings);
    }

    /// Bytes of text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Appends a string and returns its number.
    pub fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(offset(self.text.len()));
        u32::try_from(self.ends.len() - 1).expect("fewer than 4 billion strings")
    }

    /// String number `i`; panics when there is none.
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Appends all of `other`, whose string `i` becomes `self.len() + i`.
    pub fn append(&mut self, other: &Strings) {
        let base = offset(self.text.len());
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| base + e));
    }

    /// Frees spare capacity once no more strings come.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

fn offset(len: usize) -> u32 {
    // Ids are at most 64 bytes: 4 GiB of them is a file of over 60 million rows.
    u32::try_from(len).expect("less than 4 GiB of ids in one file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_numbered_in_order() {
        let mut a = Strings::default();
        assert_eq!(a.push("P1"), 0);
        assert_eq!(a.push(""), 1);
        let mut b = Strings::default();
        b.push("E22");
        a.append(&b);
        assert_eq!(
            (a.get(0), a.get(1), a.get(2), a.len()),
            ("P1", "", "E22", 3)
        );
    }
}
