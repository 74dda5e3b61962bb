//! CBOR (RFC 8949) for the payload views: decoding any well-formed item, including
//! indefinite lengths, tags, half floats and simple values; encoding what JSON can express.

use crate::value::{check_depth, Reader, Value};

/// The one CBOR item that `bytes` holds, or why it is not one.
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut r = Reader::new(bytes);
    let value = item(&mut r, 0)?;
    r.finish("CBOR")?;
    Ok(value)
}

/// What an item's head says.
enum Head {
    /// A definite argument: a value, length or count.
    Arg(u64),
    /// An indefinite length (additional information 31).
    Indefinite,
}

fn head(r: &mut Reader<'_>, info: u8) -> Result<Head, String> {
    Ok(Head::Arg(match info {
        0..=23 => u64::from(info),
        24 => r.uint(1)?,
        25 => r.uint(2)?,
        26 => r.uint(4)?,
        27 => r.uint(8)?,
        31 => return Ok(Head::Indefinite),
        _ => {
            return Err(format!(
                "additional information {info} at byte {} is reserved",
                r.offset() - 1
            ))
        }
    }))
}

/// Whether the next byte is the "break" that ends an indefinite item (and if so, reads it).
fn at_break(r: &mut Reader<'_>) -> Result<bool, String> {
    let is_break = r.peek()? == 0xff;
    if is_break {
        r.byte()?;
    }
    Ok(is_break)
}

fn item(r: &mut Reader<'_>, depth: usize) -> Result<Value, String> {
    check_depth(depth, r.offset())?;
    let start = r.offset();
    let initial = r.byte()?;
    let (major, info) = (initial >> 5, initial & 31);
    let head = head(r, info)?;
    match (major, head) {
        (0, Head::Arg(n)) => Ok(Value::Int(i128::from(n))),
        (1, Head::Arg(n)) => Ok(Value::Int(-1 - i128::from(n))),
        (2, head) => Ok(Value::Bytes(string(r, head, 2)?)),
        (3, head) => {
            let bytes = string(r, head, 3)?;
            String::from_utf8(bytes)
                .map(Value::Text)
                .map_err(|_| format!("the text string at byte {start} is not UTF-8"))
        }
        (4, Head::Arg(n)) => {
            let count = r.check_count(n, 1)?;
            let mut items = Vec::with_capacity(count);
            for _ in 0..count {
                items.push(item(r, depth + 1)?);
            }
            Ok(Value::Array(items))
        }
        (4, Head::Indefinite) => {
            let mut items = Vec::new();
            while !at_break(r)? {
                items.push(item(r, depth + 1)?);
            }
            Ok(Value::Array(items))
        }
        (5, Head::Arg(n)) => {
            let count = r.check_count(n, 2)?;
            let mut entries = Vec::with_capacity(count);
            for _ in 0..count {
                entries.push((item(r, depth + 1)?, item(r, depth + 1)?));
            }
            Ok(Value::Map(entries))
        }
        (5, Head::Indefinite) => {
            let mut entries = Vec::new();
            while !at_break(r)? {
                entries.push((item(r, depth + 1)?, item(r, depth + 1)?));
            }
            Ok(Value::Map(entries))
        }
        (6, Head::Arg(tag)) => Ok(Value::Tag(tag, Box::new(item(r, depth + 1)?))),
        (7, head) => simple(info, head, start),
        (_, _) => Err(format!("byte 0x{initial:02x} at byte {start} starts no CBOR item")),
    }
}

/// A byte or text string (major type 2 or 3): definite, or indefinite as definite chunks of
/// the same type up to a break.
fn string(r: &mut Reader<'_>, head: Head, major: u8) -> Result<Vec<u8>, String> {
    match head {
        Head::Arg(n) => Ok(r.take(n)?.to_vec()),
        Head::Indefinite => {
            let mut out = Vec::new();
            while !at_break(r)? {
                let at = r.offset();
                let initial = r.byte()?;
                match (initial >> 5 == major, head_of_chunk(r, initial & 31)?) {
                    (true, Some(n)) => out.extend_from_slice(r.take(n)?),
                    _ => return Err(format!("byte {at} is not a chunk of the string before it")),
                }
            }
            Ok(out)
        }
    }
}

fn head_of_chunk(r: &mut Reader<'_>, info: u8) -> Result<Option<u64>, String> {
    Ok(match head(r, info)? {
        Head::Arg(n) => Some(n),
        Head::Indefinite => None,
    })
}

/// Major type 7: false, true, null, undefined, simple values and floats.
fn simple(info: u8, head: Head, start: usize) -> Result<Value, String> {
    let Head::Arg(arg) = head else {
        return Err(format!("a break at byte {start} ends nothing"));
    };
    Ok(match info {
        20 => Value::Bool(false),
        21 => Value::Bool(true),
        22 => Value::Null,
        23 => Value::Undefined,
        0..=19 => Value::Simple(info),
        24 if arg >= 32 => Value::Simple(arg as u8),
        24 => return Err(format!("simple value {arg} at byte {start} must be one byte long")),
        25 => Value::Float(half_to_f64(arg as u16)),
        26 => Value::Float(f64::from(f32::from_bits(arg as u32))),
        _ => Value::Float(f64::from_bits(arg)),
    })
}

/// An IEEE 754 half-precision float, widened.
fn half_to_f64(half: u16) -> f64 {
    let sign = if half & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from(half >> 10 & 0x1f);
    let fraction = f64::from(half & 0x3ff);
    sign * match exponent {
        0 => fraction * 2f64.powi(-24),
        31 if fraction == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + fraction / 1024.0) * 2f64.powi(e - 15),
    }
}

/// `value` as CBOR, in the shortest head for each length and integer; floats as doubles.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    put(&mut out, value);
    out
}

fn put_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, n as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

fn put(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(0xf6),
        Value::Undefined => out.push(0xf7),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Int(i) => match (u64::try_from(*i), u64::try_from(-1 - *i)) {
            (Ok(n), _) => put_head(out, 0, n),
            (_, Ok(n)) => put_head(out, 1, n),
            // Beyond CBOR's integers: as a float, like JSON's own numbers.
            _ => put(out, &Value::Float(*i as f64)),
        },
        Value::Float(f) => {
            out.push(0xfb);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Value::Text(s) => {
            put_head(out, 3, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bytes(b) | Value::Ext(_, b) => {
            put_head(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
        Value::Array(items) => {
            put_head(out, 4, items.len() as u64);
            items.iter().for_each(|v| put(out, v));
        }
        Value::Map(entries) => {
            put_head(out, 5, entries.len() as u64);
            for (k, v) in entries {
                put(out, k);
                put(out, v);
            }
        }
        Value::Tag(tag, v) => {
            put_head(out, 6, *tag);
            put(out, v);
        }
        Value::Simple(n) if *n < 24 => out.push(0xe0 | n),
        Value::Simple(n) => out.extend_from_slice(&[0xf8, *n]),
    }
}
