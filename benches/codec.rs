//! Codec throughput: encode and decode a stream of 100,000 PUBLISH packets (QoS 1, 64-byte
//! payload, MQTT 5 with one user property), natively. Prints the median of 7 runs.
//!
//! `cargo bench --bench codec`. The same workload runs in the browser against MQTT.js's parser
//! in the benchmark issue.

use std::hint::black_box;
use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use wasmqtt::codec::{
    Delivery, Packet, ProtocolVersion, Publish, PublishProperties, StreamDecoder, UserProperty,
    MAX_PACKET_SIZE,
};
use wasmqtt::topic::TopicName;

const PACKETS: usize = 100_000;
const RUNS: usize = 7;
const VERSION: ProtocolVersion = ProtocolVersion::V5;

fn packets() -> Vec<Packet> {
    let topic = TopicName::new("bench/sensor/temperature").expect("valid topic");
    let user = UserProperty::new("source", "bench").expect("valid property");
    (0..PACKETS)
        .map(|i| {
            let id = NonZeroU16::new((i % 65_535 + 1) as u16).expect("non-zero");
            Packet::Publish(Publish {
                topic: topic.clone(),
                delivery: Delivery::AtLeastOnce { packet_id: id, dup: false },
                retain: false,
                payload: vec![(i % 251) as u8; 64],
                properties: PublishProperties {
                    user_properties: vec![user.clone()],
                    ..PublishProperties::default()
                },
            })
        })
        .collect()
}

fn encode_all(packets: &[Packet]) -> Vec<u8> {
    let mut out = Vec::with_capacity(packets.len() * 128);
    for p in packets {
        p.encode(VERSION, &mut out).expect("encodes");
    }
    out
}

/// Decodes `bytes` in 16 KiB chunks, as frames would arrive.
fn decode_all(bytes: &[u8]) -> usize {
    let mut decoder = StreamDecoder::new(VERSION, MAX_PACKET_SIZE);
    let mut count = 0;
    for chunk in bytes.chunks(16 * 1024) {
        decoder.feed(chunk).expect("feeds");
        while let Some(p) = decoder.next_packet().expect("decodes") {
            black_box(p);
            count += 1;
        }
    }
    count
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn report(what: &str, time: Duration, bytes: usize) {
    let secs = time.as_secs_f64();
    println!(
        "{what}: {PACKETS} packets in {:.1} ms = {:.2} M packets/s, {:.0} MB/s (median of {RUNS})",
        secs * 1e3,
        PACKETS as f64 / secs / 1e6,
        bytes as f64 / secs / 1e6
    );
}

fn main() {
    let packets = packets();
    let bytes = encode_all(&packets);
    println!("stream: {} bytes, {} bytes per packet", bytes.len(), bytes.len() / PACKETS);
    let encode_times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(encode_all(black_box(&packets)));
            start.elapsed()
        })
        .collect();
    let decode_times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            assert_eq!(decode_all(black_box(&bytes)), PACKETS);
            start.elapsed()
        })
        .collect();
    report("encode", median(encode_times), bytes.len());
    report("decode", median(decode_times), bytes.len());
}
