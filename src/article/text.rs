//! Text repair and sanitizing: everything from a file passes through here once, at load, so no
//! other module ever sees mojibake, control characters or invisible formatting.

use std::borrow::Cow;

/// Tabs become this many spaces; terminals disagree about tab stops, columns must not.
const TAB_WIDTH: usize = 4;

/// A single-line field (title, tag, source name): repaired, sanitized, whitespace collapsed.
pub fn clean_line(raw: &str) -> String {
    let raw = strip_escape_sequences(raw);
    let repaired = repair_mojibake(&raw);
    let mut out = String::with_capacity(repaired.len());
    let mut pending_space = false;
    for c in repaired.chars() {
        match classify(c) {
            CharClass::Keep => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
            CharClass::Space | CharClass::Newline | CharClass::Tab => pending_space = true,
            CharClass::Drop => {}
        }
    }
    out
}

/// A multi-line text (the body): repaired and sanitized, line breaks kept, tabs expanded.
pub fn clean_block(raw: &str) -> String {
    let raw = strip_escape_sequences(raw);
    let repaired = repair_mojibake(&raw);
    // Most bodies need nothing: check before building a copy character by character.
    if repaired.chars().all(kept_as_is_in_block) {
        return repaired.into_owned();
    }
    let mut out = String::with_capacity(repaired.len());
    for c in repaired.chars() {
        match classify(c) {
            CharClass::Keep | CharClass::Space => out.push(c),
            CharClass::Newline => out.push('\n'),
            CharClass::Tab => out.extend(std::iter::repeat_n(' ', TAB_WIDTH)),
            CharClass::Drop => {}
        }
    }
    out
}

/// Removes whole terminal escape sequences (`ESC [ 31 m`, `ESC ] 0 ; title BEL`, …), not just
/// their control characters, so no `[31m` debris is left in the text. What is not a complete
/// sequence is left for [`classify`] to strip character by character.
///
/// Linear in the text: once a string sequence (OSC, DCS, …) is found to have no terminator up to
/// the end, no later one can have one either, so the end is looked for once, not once per
/// introducer (`ESC ]` repeated over a megabyte took hours).
pub fn strip_escape_sequences(text: &str) -> Cow<'_, str> {
    if !text.contains(['\x1b', '\u{9b}', '\u{9d}']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut strings_end = true;
    while let Some(start) = rest.find(['\x1b', '\u{9b}', '\u{9d}']) {
        out.push_str(&rest[..start]);
        let sequence = &rest[start..];
        let len = match escape_sequence_len(sequence, strings_end) {
            Sequence::Complete(len) => len,
            Sequence::Incomplete => sequence.chars().next().map_or(1, char::len_utf8),
            Sequence::UnterminatedString => {
                strings_end = false;
                sequence.chars().next().map_or(1, char::len_utf8)
            }
        };
        rest = &sequence[len..];
    }
    out.push_str(rest);
    out.into()
}

enum Sequence {
    /// A whole sequence of this many bytes.
    Complete(usize),
    /// Not a sequence a terminal would complete.
    Incomplete,
    /// A string sequence with no terminator anywhere after it.
    UnterminatedString,
}

/// The escape sequence `text` starts with. `strings_end` false says an earlier string sequence
/// found no terminator before the end, so this one cannot find one either.
fn escape_sequence_len(text: &str, strings_end: bool) -> Sequence {
    let mut chars = text.char_indices();
    let Some((_, first)) = chars.next() else {
        return Sequence::Incomplete;
    };
    let kind = match first {
        '\u{9b}' => '[',
        '\u{9d}' => ']',
        _ => match chars.next() {
            Some((_, kind)) => kind,
            None => return Sequence::Incomplete,
        },
    };
    match kind {
        // CSI: parameter and intermediate bytes, then one final byte. The scan stops at the first
        // byte outside that range (an ESC among them), so it never passes the next introducer.
        '[' => chars
            .find(|(_, c)| !matches!(c, '\x20'..='\x3f'))
            .filter(|(_, c)| matches!(c, '\x40'..='\x7e'))
            .map_or(Sequence::Incomplete, |(at, c)| {
                Sequence::Complete(at + c.len_utf8())
            }),
        // OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \\ or U+009C).
        ']' | 'P' | 'X' | '^' | '_' if !strings_end => Sequence::UnterminatedString,
        ']' | 'P' | 'X' | '^' | '_' => {
            let mut previous_escape = false;
            for (at, c) in chars {
                match c {
                    '\x07' | '\u{9c}' => return Sequence::Complete(at + c.len_utf8()),
                    '\\' if previous_escape => return Sequence::Complete(at + 1),
                    _ => previous_escape = c == '\x1b',
                }
            }
            Sequence::UnterminatedString
        }
        // Two-character sequences (ESC c, ESC 7, ESC =, …).
        '\x20'..='\x7e' => Sequence::Complete(1 + kind.len_utf8()),
        _ => Sequence::Incomplete,
    }
}

fn kept_as_is_in_block(c: char) -> bool {
    match classify(c) {
        CharClass::Keep | CharClass::Space => true,
        CharClass::Newline => c == '\n',
        CharClass::Tab | CharClass::Drop => false,
    }
}

enum CharClass {
    Keep,
    Space,
    Newline,
    Tab,
    Drop,
}

fn classify(c: char) -> CharClass {
    if (' '..='~').contains(&c) {
        return if c == ' ' {
            CharClass::Space
        } else {
            CharClass::Keep
        };
    }
    match c {
        '\n' | '\u{2028}' | '\u{2029}' => CharClass::Newline,
        '\t' => CharClass::Tab,
        ' ' | '\u{a0}' => CharClass::Space,
        // C0 (ESC among them), DEL and C1 (CSI, OSC…): what terminal escape sequences are made of.
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => CharClass::Drop,
        c if is_invisible_format(c) => CharClass::Drop,
        _ => CharClass::Keep,
    }
}

/// A character that must never reach the terminal from text: C0 (newline and tab among them),
/// DEL and C1, which make up escape sequences, and the bidi controls, which reorder what follows
/// them on screen. The last look at anything written: see [`for_terminal`].
pub fn is_terminal_control(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Embeddings, overrides and isolates, and the direction marks: they make text read in an order
/// other than the one it is stored in (`\u{202e}` turns `exe.txt` into `txt.exe`).
const fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// What stands in, visibly, for a character [`is_terminal_control`] keeps from the terminal.
pub const REPLACEMENT: char = '\u{fffd}';

/// Text as it may be written to the terminal: every [`is_terminal_control`] character becomes
/// [`REPLACEMENT`]. Text is sanitized at load, but the Markdown parser decodes character
/// references (`&#x1b;`, `&#x202e;`) afterwards, so what is written is checked again here, at
/// the last step, whatever produced it.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if is_terminal_control(c) {
                REPLACEMENT
            } else {
                c
            }
        })
        .collect::<String>()
        .into()
}

/// Unicode's format characters (general category Cf): bidi overrides and isolates, zero-width
/// characters, soft hyphens, tag characters. They change how text looks without being seen.
const fn is_invisible_format(c: char) -> bool {
    is_bidi_control(c)
        || matches!(c,
        '\u{ad}'
        | '\u{600}'..='\u{605}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{890}'..='\u{891}'
        | '\u{8e2}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200d}'
        | '\u{2060}'..='\u{2064}'
        | '\u{206a}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}'
        | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}'
        | '\u{e0020}'..='\u{e007f}')
}

/// Undoes one or two rounds of "UTF-8 decoded as Windows-1252" (`â€¦` → `…`, `Ã©` → `é`).
///
/// Only runs of characters that Windows-1252 can encode are considered, and a run is changed only
/// where its bytes form valid multi-byte UTF-8, so correct Latin-1 text (`café`) is left alone.
pub fn repair_mojibake(text: &str) -> Cow<'_, str> {
    let mut current = Cow::Borrowed(text);
    for _ in 0..2 {
        match repair_once(&current) {
            Some(fixed) => current = Cow::Owned(fixed),
            None => break,
        }
    }
    current
}

fn repair_once(text: &str) -> Option<String> {
    // Every mojibake sequence starts with one of `Â`..`ô` (U+00C2..U+00F4), which UTF-8 encodes
    // with the lead byte 0xC3; text without that byte (ASCII, Cyrillic, CJK…) has none.
    memchr::memchr(0xc3, text.as_bytes())?;
    let mut out = String::with_capacity(text.len());
    let mut run_bytes: Vec<u8> = Vec::new();
    let mut run_chars: Vec<char> = Vec::new();
    let mut changed = false;
    for c in text.chars() {
        if let Some(byte) = cp1252_byte(c) {
            run_bytes.push(byte);
            run_chars.push(c);
            continue;
        }
        changed |= flush_run(&mut out, &mut run_bytes, &mut run_chars);
        out.push(c);
    }
    changed |= flush_run(&mut out, &mut run_bytes, &mut run_chars);
    changed.then_some(out)
}

/// Writes a run of Windows-1252-encodable characters, decoding the parts that are valid UTF-8.
fn flush_run(out: &mut String, bytes: &mut Vec<u8>, chars: &mut Vec<char>) -> bool {
    let mut changed = false;
    let mut position = 0;
    for chunk in bytes.utf8_chunks() {
        // Each character of the run is one byte, so byte positions are character positions.
        let valid = chunk.valid();
        if !valid.is_empty() {
            changed = true;
            out.push_str(valid);
            position += valid.len();
        }
        for _ in chunk.invalid() {
            out.push(chars[position]);
            position += 1;
        }
    }
    bytes.clear();
    chars.clear();
    changed
}

/// The byte Windows-1252 encodes `c` as, for the upper half only (ASCII never takes part).
fn cp1252_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if (0xa0..=0xff).contains(&code) || (0x80..=0x9f).contains(&code) {
        // Latin-1 range, and the C1 controls that stand for the five bytes 1252 leaves undefined.
        return u8::try_from(code).ok();
    }
    let byte = match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201c}' => 0x93,
        '\u{201d}' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => return None,
    };
    Some(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_escape_sequences_are_removed() {
        assert_eq!(clean_line("\x1b[31mALERT:\x1b[0m wallet"), "ALERT: wallet");
        assert_eq!(clean_line("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(
            clean_line("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b"),
            "alinkb"
        );
        assert_eq!(clean_line("a\u{9b}2Jb"), "ab");
        assert_eq!(clean_line("keep \x1bc going"), "keep going");
        // An unterminated string loses only its introducer, not the rest of the text.
        assert_eq!(clean_line("x\x1b]0;never ends"), "x]0;never ends");
        assert_eq!(clean_block("line\x1b[1m\none"), "line\none");
    }

    #[test]
    fn unterminated_strings_cost_one_pass() {
        // Every introducer used to scan to the end for a terminator: quadratic, hours at 4 MiB.
        for introducer in ["\x1b]", "\x1bP", "\x1b_", "\u{9d}"] {
            let hostile = introducer.repeat(1024 * 1024 / introducer.len());
            let stripped = strip_escape_sequences(&hostile);
            let rest = &introducer[introducer.chars().next().map_or(0, char::len_utf8)..];
            assert_eq!(stripped, rest.repeat(1024 * 1024 / introducer.len()));
        }
        // A terminated string after an unterminated one cannot exist: the first's terminator
        // would be the second's. What follows the last terminator is kept as text.
        assert_eq!(
            strip_escape_sequences("a\x1b]0;t\x07b\x1b]0;c\x1b]1;d"),
            "ab]0;c]1;d"
        );
    }

    #[test]
    fn repairs_the_aggregators_ellipsis() {
        assert_eq!(repair_mojibake("substantialâ€¦"), "substantial…");
        assert_eq!(repair_mojibake("itâ€™s"), "it’s");
        assert_eq!(repair_mojibake("cafÃ© rÃ©sumÃ©"), "café résumé");
    }

    #[test]
    fn repairs_double_encoding() {
        // "é" encoded as UTF-8, read as 1252, encoded again, read as 1252 again.
        assert_eq!(repair_mojibake("cafÃƒÂ©"), "café");
    }

    #[test]
    fn leaves_correct_text_alone() {
        for text in [
            "café",
            "naïve — fine",
            "Привіт, світ",
            "£5 · 10°C",
            "日本語",
            "emoji 🚀",
        ] {
            assert_eq!(repair_mojibake(text), text);
        }
    }

    #[test]
    fn strips_escape_sequences_and_invisible_characters() {
        let hostile = "Bitcoin\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m \u{202e}drow\u{200b}s";
        let cleaned = clean_line(hostile);
        assert!(!cleaned.chars().any(|c| c.is_control()), "{cleaned:?}");
        assert!(!cleaned.contains('\u{202e}') && !cleaned.contains('\u{200b}'));
        assert_eq!(cleaned, "Bitcoin drows");
    }

    #[test]
    fn line_fields_collapse_whitespace_and_blocks_keep_lines() {
        assert_eq!(clean_line("  two\n\tlines  here "), "two lines here");
        // ESC and the character after it form a sequence a terminal would act on: both go.
        assert_eq!(clean_block("a\tb\nc\u{1b}d"), "a    b\nc");
        assert_eq!(clean_block("a\u{7}b\u{0}c"), "abc");
    }
}
