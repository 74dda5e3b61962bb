//! The values of the binary payload views. CBOR (RFC 8949) and MessagePack payloads decode
//! into a [`Value`] shown as JSON-like text; JSON typed in the publish box becomes a `Value`
//! to encode in either format. Decoding never trusts a length it reads: every count is checked
//! against the bytes that are left, and nesting is bounded, so a hostile payload gets an error
//! naming the offset instead of a huge allocation or a stack overflow.

use std::fmt::Write as _;

/// One decoded value. Maps keep their order and may have keys of any kind (both formats allow
/// it).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null` (CBOR) or `nil` (MessagePack).
    Null,
    /// CBOR's `undefined`.
    Undefined,
    /// A boolean.
    Bool(bool),
    /// An integer: CBOR's reach, −2⁶⁴ to 2⁶⁴ − 1, is wider than `i64` or `u64` alone.
    Int(i128),
    /// A floating-point number (half, single and double precision all widen to it).
    Float(f64),
    /// A UTF-8 text string.
    Text(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A map, in the payload's order.
    Map(Vec<(Value, Value)>),
    /// A CBOR tag number on a value.
    Tag(u64, Box<Value>),
    /// A CBOR simple value other than false, true, null and undefined.
    Simple(u8),
    /// A MessagePack extension: its type and data.
    Ext(i8, Vec<u8>),
}

/// Deepest nesting accepted from a payload.
pub const MAX_DEPTH: usize = 128;

impl Value {
    /// As text with a two-space indent: JSON where the value is JSON; byte strings as
    /// `h'0a1b'`, tags as `1(…)`, extensions as `ext(-1, h'…')`, `undefined`, `simple(16)`,
    /// `NaN` and `Infinity` as such (CBOR's diagnostic notation).
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Undefined => out.push_str("undefined"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => write_float(out, *f),
            Value::Text(s) => write_string(out, s),
            Value::Bytes(b) => write_bytes(out, b),
            Value::Array(items) => {
                write_container(out, depth, ('[', ']'), items, |out, item, depth| {
                    item.write(out, depth)
                });
            }
            Value::Map(entries) => {
                write_container(out, depth, ('{', '}'), entries, |out, (key, value), depth| {
                    key.write(out, depth);
                    out.push_str(": ");
                    value.write(out, depth);
                });
            }
            Value::Tag(tag, value) => {
                let _ = write!(out, "{tag}(");
                value.write(out, depth);
                out.push(')');
            }
            Value::Simple(n) => {
                let _ = write!(out, "simple({n})");
            }
            Value::Ext(kind, data) => {
                let _ = write!(out, "ext({kind}, ");
                write_bytes(out, data);
                out.push(')');
            }
        }
    }

    /// The value of a JSON document, or why it is not one.
    pub fn from_json(text: &str) -> Result<Value, String> {
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("the payload is not valid JSON: {e}"))?;
        Ok(Value::from(json))
    }
}

impl From<serde_json::Value> for Value {
    fn from(json: serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::Int(i128::from(i)),
                (_, Some(u)) => Value::Int(i128::from(u)),
                _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Text(s),
            serde_json::Value::Array(items) => {
                Value::Array(items.into_iter().map(Value::from).collect())
            }
            serde_json::Value::Object(entries) => Value::Map(
                entries.into_iter().map(|(k, v)| (Value::Text(k), Value::from(v))).collect(),
            ),
        }
    }
}

fn write_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        // Debug keeps a fraction (`1.0`), so a float is not mistaken for an integer.
        let _ = write!(out, "{f:?}");
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_bytes(out: &mut String, bytes: &[u8]) {
    out.push_str("h'");
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out.push('\'');
}

fn write_container<T>(
    out: &mut String,
    depth: usize,
    (open, close): (char, char),
    items: &[T],
    mut write_item: impl FnMut(&mut String, &T, usize),
) {
    out.push(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, depth + 1);
        write_item(out, item, depth + 1);
    }
    if !items.is_empty() {
        newline(out, depth);
    }
    out.push(close);
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Reads a payload front to back, for the decoders: every read names the offset where the
/// payload fell short.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// Where the next byte is read.
    pub(crate) fn offset(&self) -> usize {
        self.at
    }

    /// Bytes not yet read.
    pub(crate) fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub(crate) fn take(&mut self, n: u64) -> Result<&'a [u8], String> {
        let n = usize::try_from(n).ok().filter(|&n| n <= self.left()).ok_or_else(|| {
            format!("the payload ends at byte {} inside a value of {n} bytes", self.bytes.len())
        })?;
        let taken = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(taken)
    }

    /// The next byte, not read.
    pub(crate) fn peek(&self) -> Result<u8, String> {
        self.bytes.get(self.at).copied().ok_or_else(|| {
            format!("the payload ends at byte {} inside an indefinite-length item", self.at)
        })
    }

    pub(crate) fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    /// A big-endian unsigned integer of `n` bytes (1, 2, 4 or 8).
    pub(crate) fn uint(&mut self, n: u64) -> Result<u64, String> {
        Ok(self.take(n)?.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
    }

    /// Checks that `count` items, each at least `min_bytes` long, can still follow.
    pub(crate) fn check_count(&self, count: u64, min_bytes: u64) -> Result<usize, String> {
        usize::try_from(count)
            .ok()
            .filter(|_| count.saturating_mul(min_bytes) <= self.left() as u64)
            .ok_or_else(|| {
                format!(
                    "{count} items are announced at byte {} but only {} bytes follow",
                    self.at,
                    self.left()
                )
            })
    }

    /// Fails unless the whole payload was one value.
    pub(crate) fn finish(&self, format: &str) -> Result<(), String> {
        match self.left() {
            0 => Ok(()),
            n => Err(format!("{n} bytes follow the {format} value (from byte {})", self.at)),
        }
    }
}

/// Fails past [`MAX_DEPTH`].
pub(crate) fn check_depth(depth: usize, offset: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("nesting deeper than {MAX_DEPTH} at byte {offset}"));
    }
    Ok(())
}
