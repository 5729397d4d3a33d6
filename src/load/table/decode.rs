//! A text file's bytes as UTF-8: what its byte-order mark says, or what the
//! user said (`--encoding`), else UTF-8 as it is.
//!
//! UTF-8 is passed through untouched (the fast path: its cells are checked for
//! UTF-8 one by one later, where the check runs in parallel). Anything else is
//! decoded to UTF-8 with `encoding_rs`, malformed sequences becoming U+FFFD,
//! which the cell check refuses where it sits.

use std::io::{self, Read};

use encoding_rs::{CoderResult, DecoderResult, Encoding, UTF_8};

/// Bytes of input decoded at a time.
const INPUT: usize = 1 << 16;

/// What the first bytes of a file say about its encoding.
pub enum Sniffed {
    /// Read it with this encoding; `bom` bytes of byte-order mark to skip.
    Read {
        encoding: &'static Encoding,
        bom: usize,
    },
    /// NUL bytes between ASCII letters and no byte-order mark: UTF-16 that
    /// cannot be told LE from BE for certain, so tryg does not guess.
    Utf16WithoutBom,
}

/// Decides how to read a file from its first bytes (up to 4) and the
/// encoding asked for (`None`: UTF-8, unless a byte-order mark says more).
/// A byte-order mark wins over what was asked for: it is the file's own word.
pub fn sniff(head: &[u8], asked: Option<&'static Encoding>) -> Sniffed {
    if let Some((encoding, bom)) = Encoding::for_bom(head) {
        return Sniffed::Read { encoding, bom };
    }
    let asked = asked.unwrap_or(UTF_8);
    let looks_utf16 = match head {
        [a, 0, ..] | [0, a, ..] => a.is_ascii_graphic(),
        _ => false,
    };
    if looks_utf16 && asked == UTF_8 {
        return Sniffed::Utf16WithoutBom;
    }
    Sniffed::Read {
        encoding: asked,
        bom: 0,
    }
}

/// A reader of UTF-8 made from a reader of bytes in some encoding.
pub struct Decoder<R> {
    inner: R,
    /// Bytes read ahead to sniff the encoding, not yet passed on.
    head: Vec<u8>,
    mode: Mode,
}

enum Mode {
    Utf8,
    Transcode(Box<Transcode>),
}

struct Transcode {
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    finished: bool,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    probe: Option<Utf8Probe>,
}

impl<R: Read> Decoder<R> {
    /// Decodes `inner`, whose first bytes, `head`, were already read from it
    /// (a byte-order mark among them is skipped).
    pub fn new(inner: R, mut head: Vec<u8>, encoding: &'static Encoding, bom: usize) -> Self {
        head.drain(..bom.min(head.len()));
        let mode = if encoding == UTF_8 {
            Mode::Utf8
        } else {
            let decoder = encoding.new_decoder_without_bom_handling();
            let output_len = decoder.max_utf8_buffer_length(INPUT).unwrap_or(4 * INPUT);
            // A single-byte encoding asked for a file that is in fact UTF-8
            // would turn every æ into two letters without a word: watch for it.
            let probe = (encoding.is_single_byte()).then(Utf8Probe::new);
            Mode::Transcode(Box::new(Transcode {
                decoder,
                input: vec![0; INPUT],
                start: 0,
                end: 0,
                eof: false,
                finished: false,
                output: vec![0; output_len],
                out_start: 0,
                out_end: 0,
                probe,
            }))
        };
        Decoder { inner, head, mode }
    }

    /// Whether the bytes read so far were all valid UTF-8 with some non-ASCII
    /// among them, while a single-byte encoding was asked for: then the file
    /// is almost certainly UTF-8 and `--encoding` is wrong.
    pub fn looked_like_utf8(&self) -> bool {
        match &self.mode {
            Mode::Transcode(t) => t.probe.as_ref().is_some_and(Utf8Probe::looks_utf8),
            Mode::Utf8 => false,
        }
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.mode {
            Mode::Utf8 => {
                if !self.head.is_empty() {
                    let n = self.head.len().min(buf.len());
                    buf[..n].copy_from_slice(&self.head[..n]);
                    self.head.drain(..n);
                    return Ok(n);
                }
                self.inner.read(buf)
            }
            Mode::Transcode(t) => t.read(&mut self.inner, &mut self.head, buf),
        }
    }
}

impl Transcode {
    fn read(
        &mut self,
        inner: &mut impl Read,
        head: &mut Vec<u8>,
        buf: &mut [u8],
    ) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = (self.out_end - self.out_start).min(buf.len());
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                let n = if head.is_empty() {
                    inner.read(&mut self.input)?
                } else {
                    let n = head.len().min(self.input.len());
                    self.input[..n].copy_from_slice(&head[..n]);
                    head.drain(..n);
                    n
                };
                self.start = 0;
                self.end = n;
                self.eof = n == 0;
                if let Some(probe) = &mut self.probe {
                    probe.feed(&self.input[..n], self.eof);
                }
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.start..self.end],
                &mut self.output,
                self.eof,
            );
            self.start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && result == CoderResult::InputEmpty {
                self.finished = true;
            }
        }
    }
}

/// Follows the raw bytes of a file as UTF-8: still valid, and whether any
/// non-ASCII byte was seen.
struct Utf8Probe {
    decoder: encoding_rs::Decoder,
    scratch: Vec<u8>,
    valid: bool,
    non_ascii: bool,
}

impl Utf8Probe {
    fn new() -> Utf8Probe {
        Utf8Probe {
            decoder: UTF_8.new_decoder_without_bom_handling(),
            scratch: vec![0; INPUT + 16],
            valid: true,
            non_ascii: false,
        }
    }

    fn feed(&mut self, mut bytes: &[u8], last: bool) {
        if !self.valid {
            return;
        }
        self.non_ascii |= !bytes.is_ascii();
        loop {
            let (result, read, _) =
                self.decoder
                    .decode_to_utf8_without_replacement(bytes, &mut self.scratch, last);
            bytes = &bytes[read..];
            match result {
                DecoderResult::InputEmpty => return,
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(..) => {
                    self.valid = false;
                    return;
                }
            }
        }
    }

    fn looks_utf8(&self) -> bool {
        self.valid && self.non_ascii
    }
}

/// The encodings `--encoding` names, by label (`utf-8`, `windows-1252`,
/// `latin1`, `iso-8859-1`, `cp1252`, `utf-16le`, `utf-16be`, and the other
/// labels of the WHATWG Encoding Standard).
pub fn for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes()).filter(|e| {
        // The labels that name a "replacement" or x-user-defined encoding are
        // not encodings a file is saved in.
        *e != encoding_rs::REPLACEMENT && *e != encoding_rs::X_USER_DEFINED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], asked: Option<&'static Encoding>) -> (String, bool) {
        let head = bytes[..bytes.len().min(4)].to_vec();
        let Sniffed::Read { encoding, bom } = sniff(&head, asked) else {
            panic!("not readable");
        };
        let mut d = Decoder::new(&bytes[head.len()..], head, encoding, bom);
        let mut out = Vec::new();
        // Small reads: the buffers' edges are crossed many times.
        let mut buf = [0u8; 3];
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        (String::from_utf8(out).unwrap(), d.looked_like_utf8())
    }

    #[test]
    fn utf8_with_or_without_bom() {
        assert_eq!(decode("a,K\u{f8}\n".as_bytes(), None).0, "a,K\u{f8}\n");
        assert_eq!(decode("\u{feff}a,b".as_bytes(), None).0, "a,b");
    }

    #[test]
    fn utf16_with_bom_either_way_round() {
        let text = "person_id,municipality\r\nP1,K\u{f8}benhavn\r\n";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le, None).0, text);
        assert_eq!(
            decode(&be, Some(encoding_rs::WINDOWS_1252)).0,
            text,
            "the BOM wins"
        );
        assert!(matches!(sniff(&le[2..6], None), Sniffed::Utf16WithoutBom));
    }

    #[test]
    fn windows_1252_when_asked() {
        let bytes = b"K\xf8benhavn,\x80,\xe6\xe5";
        let asked = for_label("windows-1252");
        assert_eq!(
            decode(bytes, asked),
            ("K\u{f8}benhavn,\u{20ac},\u{e6}\u{e5}".into(), false)
        );
        assert_eq!(for_label("latin1"), asked);
        // UTF-8 read as Windows-1252 is noticed.
        let (text, utf8) = decode("K\u{f8}benhavn".as_bytes(), asked);
        assert_eq!((text.as_str(), utf8), ("K\u{c3}\u{b8}benhavn", true));
    }
}
