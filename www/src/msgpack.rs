//! MessagePack for the payload views: decoding every format of the specification (fixints,
//! ints, floats, strings, binaries, arrays, maps, extensions); encoding what JSON can express,
//! each value in its shortest format.

use crate::value::{check_depth, Reader, Value};

/// The one MessagePack value that `bytes` holds, or why it is not one.
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut r = Reader::new(bytes);
    let value = item(&mut r, 0)?;
    r.finish("MessagePack")?;
    Ok(value)
}

fn item(r: &mut Reader<'_>, depth: usize) -> Result<Value, String> {
    check_depth(depth, r.offset())?;
    let start = r.offset();
    let b = r.byte()?;
    Ok(match b {
        0x00..=0x7f => Value::Int(i128::from(b)),
        0x80..=0x8f => map(r, u64::from(b & 0x0f), depth)?,
        0x90..=0x9f => array(r, u64::from(b & 0x0f), depth)?,
        0xa0..=0xbf => text(r, u64::from(b & 0x1f), start)?,
        0xc0 => Value::Null,
        0xc2 => Value::Bool(false),
        0xc3 => Value::Bool(true),
        0xc4..=0xc6 => {
            let len = r.uint(1 << (b - 0xc4))?;
            Value::Bytes(r.take(len)?.to_vec())
        }
        0xc7..=0xc9 => {
            let len = r.uint(1 << (b - 0xc7))?;
            ext(r, len)?
        }
        0xca => Value::Float(f64::from(f32::from_bits(r.uint(4)? as u32))),
        0xcb => Value::Float(f64::from_bits(r.uint(8)?)),
        0xcc..=0xcf => Value::Int(i128::from(r.uint(1 << (b - 0xcc))?)),
        0xd0..=0xd3 => {
            let size = 1u32 << (b - 0xd0);
            let raw = r.uint(u64::from(size))?;
            // Sign-extend from `size` bytes.
            let shift = 64 - 8 * size;
            Value::Int(i128::from(((raw << shift) as i64) >> shift))
        }
        0xd4..=0xd8 => ext(r, 1 << (b - 0xd4))?,
        0xd9..=0xdb => {
            let len = r.uint(1 << (b - 0xd9))?;
            text(r, len, start)?
        }
        0xdc | 0xdd => {
            let count = r.uint(2 << (b - 0xdc))?;
            array(r, count, depth)?
        }
        0xde | 0xdf => {
            let count = r.uint(2 << (b - 0xde))?;
            map(r, count, depth)?
        }
        0xe0..=0xff => Value::Int(i128::from(b as i8)),
        0xc1 => return Err(format!("byte 0xc1 at byte {start} is never used in MessagePack")),
    })
}

fn text(r: &mut Reader<'_>, len: u64, start: usize) -> Result<Value, String> {
    let bytes = r.take(len)?;
    std::str::from_utf8(bytes)
        .map(|s| Value::Text(s.to_owned()))
        .map_err(|_| format!("the string at byte {start} is not UTF-8"))
}

fn ext(r: &mut Reader<'_>, len: u64) -> Result<Value, String> {
    let kind = r.byte()? as i8;
    Ok(Value::Ext(kind, r.take(len)?.to_vec()))
}

fn array(r: &mut Reader<'_>, count: u64, depth: usize) -> Result<Value, String> {
    let count = r.check_count(count, 1)?;
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        items.push(item(r, depth + 1)?);
    }
    Ok(Value::Array(items))
}

fn map(r: &mut Reader<'_>, count: u64, depth: usize) -> Result<Value, String> {
    let count = r.check_count(count, 2)?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        entries.push((item(r, depth + 1)?, item(r, depth + 1)?));
    }
    Ok(Value::Map(entries))
}

/// `value` as MessagePack. CBOR's tags, `undefined` and simple values have no MessagePack
/// form: a tag keeps its value, the others become `nil`.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    put(&mut out, value);
    out
}

/// A length or count: the fix form below `fix_limit`, else the 8- (when `short` is given),
/// 16- or 32-bit form.
fn put_len(out: &mut Vec<u8>, n: usize, fix: u8, fix_limit: usize, short: Option<u8>, wide: u8) {
    match (n, short) {
        (n, _) if n < fix_limit => out.push(fix | n as u8),
        (0..=0xff, Some(short)) => out.extend_from_slice(&[short, n as u8]),
        (0..=0xffff, _) => {
            out.push(wide);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        _ => {
            out.push(wide + 1);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
    }
}

fn put_int(out: &mut Vec<u8>, i: i128) {
    match i {
        0..=0x7f => out.push(i as u8),
        -32..=-1 => out.push(i as i8 as u8),
        0x80..=0xff => out.extend_from_slice(&[0xcc, i as u8]),
        0x100..=0xffff => {
            out.push(0xcd);
            out.extend_from_slice(&(i as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xce);
            out.extend_from_slice(&(i as u32).to_be_bytes());
        }
        -0x80..=-33 => out.extend_from_slice(&[0xd0, i as i8 as u8]),
        -0x8000..=-0x81 => {
            out.push(0xd1);
            out.extend_from_slice(&(i as i16).to_be_bytes());
        }
        -0x8000_0000..=-0x8001 => {
            out.push(0xd2);
            out.extend_from_slice(&(i as i32).to_be_bytes());
        }
        _ => match (u64::try_from(i), i64::try_from(i)) {
            (Ok(u), _) => {
                out.push(0xcf);
                out.extend_from_slice(&u.to_be_bytes());
            }
            (_, Ok(s)) => {
                out.push(0xd3);
                out.extend_from_slice(&s.to_be_bytes());
            }
            // Beyond MessagePack's integers: as a float, like JSON's own numbers.
            _ => put(out, &Value::Float(i as f64)),
        },
    }
}

fn put(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null | Value::Undefined | Value::Simple(_) => out.push(0xc0),
        Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Int(i) => put_int(out, *i),
        Value::Float(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Value::Text(s) => {
            put_len(out, s.len(), 0xa0, 32, Some(0xd9), 0xda);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bytes(b) => {
            put_len(out, b.len(), 0, 0, Some(0xc4), 0xc5);
            out.extend_from_slice(b);
        }
        Value::Array(items) => {
            put_len(out, items.len(), 0x90, 16, None, 0xdc);
            items.iter().for_each(|v| put(out, v));
        }
        Value::Map(entries) => {
            put_len(out, entries.len(), 0x80, 16, None, 0xde);
            for (k, v) in entries {
                put(out, k);
                put(out, v);
            }
        }
        Value::Tag(_, v) => put(out, v),
        Value::Ext(kind, data) => {
            match data.len() {
                1 => out.push(0xd4),
                2 => out.push(0xd5),
                4 => out.push(0xd6),
                8 => out.push(0xd7),
                16 => out.push(0xd8),
                n => put_len(out, n, 0, 0, Some(0xc7), 0xc8),
            }
            out.push(*kind as u8);
            out.extend_from_slice(data);
        }
    }
}
