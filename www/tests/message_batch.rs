//! The stored form of a frame's messages: what is written reads back the same, and bytes
//! that do not read back whole (cut short, damaged, another version's) give `None` without
//! a panic.

use proptest::prelude::*;
use wasmqtt::codec::QoS;
use wasmqtt_app::message_batch::{decode, encode};
use wasmqtt_app::model::{Direction, MessageRecord};

fn record(seq: u64, topic: &str, payload: &[u8]) -> MessageRecord {
    MessageRecord {
        seq,
        direction: Direction::Received,
        topic: topic.to_owned(),
        payload: payload.to_vec(),
        qos: QoS::AtLeastOnce,
        retain: true,
        time_ms: 1_764_000_000_123.5,
        properties: vec![
            ("Content Type".into(), "application/json".into()),
            ("a".into(), "ü".into()),
        ],
    }
}

#[test]
fn a_batch_reads_back_as_written() {
    let published = MessageRecord {
        direction: Direction::Published,
        qos: QoS::ExactlyOnce,
        retain: false,
        properties: vec![],
        ..record(7, "b", b"")
    };
    let batch = vec![record(1 << 52, "sensors/1/temp", b"{\"t\":21.5}"), published];
    assert_eq!(decode(&encode(&batch)), Some(batch));
    assert_eq!(decode(&[]), Some(vec![]));
}

#[test]
fn a_batch_cut_anywhere_does_not_read_back() {
    let bytes = encode(&[record(1, "t", b"payload"), record(2, "u", b"x")]);
    let first_len = encode(&[record(1, "t", b"payload")]).len();
    for cut in 1..bytes.len() {
        let decoded = decode(&bytes[..cut]);
        if cut == first_len {
            assert_eq!(decoded.map(|r| r.len()), Some(1), "cut at a record boundary");
        } else {
            assert_eq!(decoded, None, "cut at {cut}");
        }
    }
}

#[test]
fn damaged_fields_do_not_read_back() {
    let mut bad_qos = encode(&[record(1, "t", b"")]);
    bad_qos[8] = 3 << 2;
    assert_eq!(decode(&bad_qos), None, "QoS 3");
    let mut bad_utf8 = encode(&[record(1, "t", b"")]);
    bad_utf8[8 + 1 + 8 + 4] = 0xff;
    assert_eq!(decode(&bad_utf8), None, "a topic that is not UTF-8");
    let mut huge_len = encode(&[record(1, "t", b"")]);
    huge_len[8 + 1 + 8..8 + 1 + 8 + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(decode(&huge_len), None, "a length past the end");
}

fn any_record() -> impl Strategy<Value = MessageRecord> {
    let text = "\\PC{0,12}";
    (
        any::<u64>(),
        any::<bool>(),
        any::<bool>(),
        0u8..3,
        any::<f64>().prop_filter("comparable", |t| !t.is_nan()),
        text,
        proptest::collection::vec(any::<u8>(), 0..40),
        proptest::collection::vec((text, text), 0..3),
    )
        .prop_map(|(seq, received, retain, qos, time_ms, topic, payload, properties)| {
            MessageRecord {
                seq,
                direction: if received { Direction::Received } else { Direction::Published },
                topic,
                payload,
                qos: QoS::try_from(qos).unwrap(),
                retain,
                time_ms,
                properties,
            }
        })
}

proptest! {
    #[test]
    fn any_batch_reads_back(batch in proptest::collection::vec(any_record(), 0..8)) {
        prop_assert_eq!(decode(&encode(&batch)), Some(batch));
    }

    #[test]
    fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode(&bytes);
    }
}
