//! The CBOR and MessagePack payload views: decoding against the examples of RFC 8949
//! Appendix A and of the MessagePack specification's formats, encoding JSON typed in the
//! publish box, and hostile payloads refused with the offset named.

use wasmqtt_app::model::PayloadFormat;
use wasmqtt_app::value::Value;
use wasmqtt_app::{cbor, msgpack};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn cbor_decodes_the_rfc_8949_examples() {
    let cases: &[(&str, Value)] = &[
        ("00", Value::Int(0)),
        ("1a000f4240", Value::Int(1_000_000)),
        ("1bffffffffffffffff", Value::Int(18_446_744_073_709_551_615)),
        ("3bffffffffffffffff", Value::Int(-18_446_744_073_709_551_616)),
        ("3903e7", Value::Int(-1000)),
        ("f93e00", Value::Float(1.5)),
        ("f97c00", Value::Float(f64::INFINITY)),
        ("fa47c35000", Value::Float(100_000.0)),
        ("fbc010666666666666", Value::Float(-4.1)),
        ("f4", Value::Bool(false)),
        ("f6", Value::Null),
        ("f7", Value::Undefined),
        ("f0", Value::Simple(16)),
        ("f8ff", Value::Simple(255)),
        ("c11a514b67b0", Value::Tag(1, Box::new(Value::Int(1_363_896_240)))),
        ("4401020304", Value::Bytes(vec![1, 2, 3, 4])),
        ("6449455446", Value::Text("IETF".into())),
        ("5f42010243030405ff", Value::Bytes(vec![1, 2, 3, 4, 5])),
        ("7f657374726561646d696e67ff", Value::Text("streaming".into())),
    ];
    for (bytes, expected) in cases {
        assert_eq!(&cbor::decode(&hex(bytes)).unwrap(), expected, "{bytes}");
    }
    let nested = Value::Array(vec![
        Value::Int(1),
        Value::Array(vec![Value::Int(2), Value::Int(3)]),
        Value::Array(vec![Value::Int(4), Value::Int(5)]),
    ]);
    assert_eq!(cbor::decode(&hex("8301820203820405")).unwrap(), nested);
    assert_eq!(cbor::decode(&hex("9f018202039f0405ffff")).unwrap(), nested, "indefinite");
    assert!(cbor::decode(&hex("f97e00")).is_ok_and(|v| matches!(v, Value::Float(f) if f.is_nan())));
}

#[test]
fn cbor_is_shown_in_diagnostic_notation() {
    let shown = PayloadFormat::Cbor.render(&hex("a26161016162820203"));
    assert_eq!(shown, "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ]\n}");
    let shown = PayloadFormat::Cbor.render(&hex("83c11a514b67b04201fff7"));
    assert_eq!(shown, "[\n  1(1363896240),\n  h'01ff',\n  undefined\n]");
    assert_eq!(PayloadFormat::Cbor.render(&hex("f93e00")), "1.5");
    assert_eq!(PayloadFormat::Cbor.render(&hex("fb4000000000000000")), "2.0", "a float stays one");
}

#[test]
fn json_typed_for_publishing_encodes_to_the_shortest_cbor() {
    let bytes =
        PayloadFormat::Cbor.parse(r#"{"a": 1, "b": [2, 3], "c": -1000, "d": null}"#).unwrap();
    assert_eq!(bytes, hex("a4616101616282020361633903e76164f6"));
    assert_eq!(PayloadFormat::Cbor.parse("1000000").unwrap(), hex("1a000f4240"));
    assert_eq!(
        PayloadFormat::Cbor.parse("18446744073709551615").unwrap(),
        hex("1bffffffffffffffff")
    );
    assert_eq!(PayloadFormat::Cbor.parse("1.5").unwrap(), hex("fb3ff8000000000000"));
    let err = PayloadFormat::Cbor.parse("{oops").unwrap_err();
    assert!(err.starts_with("the payload is not valid JSON"), "{err}");
}

#[test]
fn messagepack_decodes_every_format() {
    let schema = hex("82a7636f6d70616374c3a6736368656d6100");
    assert_eq!(
        msgpack::decode(&schema).unwrap(),
        Value::Map(vec![
            (Value::Text("compact".into()), Value::Bool(true)),
            (Value::Text("schema".into()), Value::Int(0)),
        ])
    );
    let cases: &[(&str, Value)] = &[
        ("ff", Value::Int(-1)),
        ("e0", Value::Int(-32)),
        ("d0df", Value::Int(-33)),
        ("cc80", Value::Int(128)),
        ("cd0100", Value::Int(256)),
        ("ce00010000", Value::Int(65_536)),
        ("cfffffffffffffffff", Value::Int(18_446_744_073_709_551_615)),
        ("d18000", Value::Int(-32_768)),
        ("d280000000", Value::Int(-2_147_483_648)),
        ("d38000000000000000", Value::Int(i128::from(i64::MIN))),
        ("ca3fc00000", Value::Float(1.5)),
        ("cb3ff8000000000000", Value::Float(1.5)),
        ("c0", Value::Null),
        ("c2", Value::Bool(false)),
        ("c40201ff", Value::Bytes(vec![1, 255])),
        ("c50001aa", Value::Bytes(vec![0xaa])),
        ("a161", Value::Text("a".into())),
        ("d90162", Value::Text("b".into())),
        ("da000163", Value::Text("c".into())),
        ("dc000101", Value::Array(vec![Value::Int(1)])),
        ("de0001c0c3", Value::Map(vec![(Value::Null, Value::Bool(true))])),
        ("d40102", Value::Ext(1, vec![2])),
        ("d6ff00000001", Value::Ext(-1, vec![0, 0, 0, 1])),
        ("c70305010203", Value::Ext(5, vec![1, 2, 3])),
    ];
    for (bytes, expected) in cases {
        assert_eq!(&msgpack::decode(&hex(bytes)).unwrap(), expected, "{bytes}");
    }
}

#[test]
fn json_typed_for_publishing_encodes_to_the_shortest_messagepack() {
    let bytes = PayloadFormat::MessagePack.parse(r#"{"compact": true, "schema": 0}"#).unwrap();
    assert_eq!(bytes, hex("82a7636f6d70616374c3a6736368656d6100"));
    for (json, expected) in [
        ("-1", "ff"),
        ("-33", "d0df"),
        ("200", "ccc8"),
        ("70000", "ce00011170"),
        ("-40000", "d2ffff63c0"),
        ("18446744073709551615", "cfffffffffffffffff"),
        ("-9223372036854775808", "d38000000000000000"),
        ("1.5", "cb3ff8000000000000"),
        ("[]", "90"),
        ("null", "c0"),
    ] {
        assert_eq!(PayloadFormat::MessagePack.parse(json).unwrap(), hex(expected), "{json}");
    }
    let long = format!("\"{}\"", "x".repeat(40));
    assert_eq!(&PayloadFormat::MessagePack.parse(&long).unwrap()[..2], &[0xd9, 40]);
}

#[test]
fn both_round_trip_what_they_encode() {
    let json = r#"{"t": [1, -2, 3.25, "é", {"n": null}, true], "big": 4294967296}"#;
    let value = Value::from_json(json).unwrap();
    assert_eq!(cbor::decode(&cbor::encode(&value)).unwrap(), value);
    assert_eq!(msgpack::decode(&msgpack::encode(&value)).unwrap(), value);
}

#[test]
fn hostile_payloads_are_refused_with_the_place_named() {
    // Counts and lengths far beyond the payload: no allocation of that size.
    let err = cbor::decode(&hex("9bffffffffffffffff")).unwrap_err();
    assert!(err.contains("18446744073709551615 items are announced at byte 9"), "{err}");
    let err = cbor::decode(&hex("5bffffffffffffffff")).unwrap_err();
    assert!(err.contains("inside a value of 18446744073709551615 bytes"), "{err}");
    let err = msgpack::decode(&hex("ddffffffff")).unwrap_err();
    assert!(err.contains("4294967295 items are announced"), "{err}");
    // Nesting.
    let deep = vec![0x81; 200];
    let err = cbor::decode(&deep).unwrap_err();
    assert!(err.contains("nesting deeper than 128"), "{err}");
    let err = msgpack::decode(&[0x91; 200]).unwrap_err();
    assert!(err.contains("nesting deeper than 128"), "{err}");
    // Malformed.
    assert!(cbor::decode(&hex("1c")).unwrap_err().contains("additional information 28"));
    assert!(cbor::decode(&hex("ff")).unwrap_err().contains("a break at byte 0 ends nothing"));
    assert!(cbor::decode(&hex("62c328")).unwrap_err().contains("not UTF-8"));
    assert!(cbor::decode(&hex("9f01")).unwrap_err().contains("indefinite-length"));
    assert!(cbor::decode(&hex("5f6161ff")).unwrap_err().contains("not a chunk"));
    assert!(cbor::decode(&hex("0000")).unwrap_err().contains("1 bytes follow the CBOR value"));
    assert!(msgpack::decode(&hex("c1")).unwrap_err().contains("never used"));
    assert!(msgpack::decode(&hex("a2c328")).unwrap_err().contains("not UTF-8"));
    assert!(msgpack::decode(&hex("cd01")).unwrap_err().contains("the payload ends at byte 2"));
    // The view says why, then shows the bytes.
    assert_eq!(
        PayloadFormat::MessagePack.render(&hex("c1")),
        "(not MessagePack: byte 0xc1 at byte 0 is never used in MessagePack)\nc1"
    );
}

proptest::proptest! {
    /// Whatever the bytes, the views answer with a value or an error, never a panic; and what
    /// decodes encodes back to bytes that decode to the same value (compared as shown, since
    /// NaN is not equal to itself).
    #[test]
    fn any_bytes_decode_or_are_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
        if let Ok(value) = cbor::decode(&bytes) {
            let back = cbor::decode(&cbor::encode(&value)).map(|v| v.pretty());
            proptest::prop_assert_eq!(back, Ok(value.pretty()));
        }
        if let Ok(value) = msgpack::decode(&bytes) {
            let back = msgpack::decode(&msgpack::encode(&value)).map(|v| v.pretty());
            proptest::prop_assert_eq!(back, Ok(value.pretty()));
        }
    }
}
