//! A small JSON validator and pretty-printer (two-space indent) for the JSON payload view,
//! so that the app needs no JSON crate.

/// `text` pretty-printed, or `None` when it is not one valid JSON value.
pub fn pretty(text: &str) -> Option<String> {
    let mut parser = Parser { bytes: text.as_bytes(), at: 0, out: String::new(), depth: 0 };
    parser.value()?;
    parser.skip_space();
    (parser.at == parser.bytes.len()).then_some(parser.out)
}

/// Deepest nesting accepted, so that hostile payloads cannot exhaust the stack.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    out: String,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn value(&mut self) -> Option<()> {
        self.skip_space();
        match self.peek()? {
            b'{' => self.container(b'}', true),
            b'[' => self.container(b']', false),
            b'"' => self.string(),
            b't' => self.word("true"),
            b'f' => self.word("false"),
            b'n' => self.word("null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// An object (`keyed`) or an array, after its opening bracket.
    fn container(&mut self, close: u8, keyed: bool) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.out.push(if keyed { '{' } else { '[' });
        self.at += 1;
        self.skip_space();
        if self.peek() == Some(close) {
            self.at += 1;
            self.depth -= 1;
            self.out.push(close as char);
            return Some(());
        }
        loop {
            self.newline();
            if keyed {
                self.skip_space();
                if self.peek() != Some(b'"') {
                    return None;
                }
                self.string()?;
                self.skip_space();
                if self.peek() != Some(b':') {
                    return None;
                }
                self.at += 1;
                self.out.push_str(": ");
            }
            self.value()?;
            self.skip_space();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.out.push(',');
                }
                c if c == close => {
                    self.at += 1;
                    self.depth -= 1;
                    self.newline();
                    self.out.push(close as char);
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn string(&mut self) -> Option<()> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    self.at += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            let hex = self.bytes.get(self.at + 1..self.at + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.at += 4;
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => {}
            }
            self.at += 1;
        }
        self.at += 1;
        self.out.push_str(std::str::from_utf8(self.bytes.get(start..self.at)?).ok()?);
        Some(())
    }

    fn word(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then_some(())?;
        self.at = end;
        self.out.push_str(word);
        Some(())
    }

    fn number(&mut self) -> Option<()> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.require_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.require_digits()?;
        }
        self.out.push_str(std::str::from_utf8(self.bytes.get(start..self.at)?).ok()?);
        Some(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn require_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }
}

/// What a piece of pretty-printed JSON is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// An object key (with its quotes).
    Key,
    /// A string value.
    String,
    /// A number.
    Number,
    /// `true`, `false` or `null`.
    Literal,
    /// Brackets, commas, colons and whitespace.
    Punctuation,
}

impl Token {
    /// The CSS class of the token's span.
    pub fn class(self) -> &'static str {
        match self {
            Token::Key => "json-key",
            Token::String => "json-string",
            Token::Number => "json-number",
            Token::Literal => "json-literal",
            Token::Punctuation => "json-punct",
        }
    }
}

/// `json` (as [`pretty`] makes it) cut into tokens that together give the text back: a string
/// followed by `:` is a key. Text that is not JSON comes back as one punctuation token.
pub fn highlight(json: &str) -> Vec<(Token, &str)> {
    let bytes = json.as_bytes();
    let mut out: Vec<(Token, &str)> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let token = match bytes[at] {
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at = (at + 1).min(bytes.len());
                let rest = json[at..].trim_start();
                if rest.starts_with(':') {
                    Token::Key
                } else {
                    Token::String
                }
            }
            b'-' | b'0'..=b'9' => {
                while at < bytes.len()
                    && matches!(bytes[at], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    at += 1;
                }
                Token::Number
            }
            b't' | b'f' | b'n' => {
                while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                    at += 1;
                }
                Token::Literal
            }
            _ => {
                while at < bytes.len()
                    && !matches!(bytes[at], b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
                {
                    at += 1;
                }
                Token::Punctuation
            }
        };
        // Byte offsets always fall between characters: every cut is at an ASCII byte.
        match json.get(start..at) {
            Some(piece) => out.push((token, piece)),
            None => return vec![(Token::Punctuation, json)],
        }
    }
    out
}
