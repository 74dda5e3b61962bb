//! Property tests of the codec: every packet type under every protocol version survives
//! `decode(encode(p))`; a stream of packets cut anywhere decodes to the same packets; arbitrary
//! bytes never panic; and a packet cut short is "need more bytes", never an error.
#![cfg(not(target_arch = "wasm32"))]

mod strategies;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

use strategies::{version, versioned, versioned_packet, versioned_packets, VERSIONS};
use wasmqtt::codec::{
    decode, DecodeError, Decoded, EncodeError, Packet, PacketType, ProtocolVersion, Publish,
    StreamDecoder, MAX_PACKET_SIZE,
};
use wasmqtt::topic::TopicName;

fn config(cases: u32) -> Config {
    Config {
        cases,
        // Failures print their minimal input; no regression files in the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

/// `packet`'s bytes under `version`.
fn encode(packet: &Packet, version: ProtocolVersion) -> Vec<u8> {
    let mut out = Vec::new();
    let written = packet.encode(version, &mut out).expect("generated packets encode");
    assert_eq!(written, out.len());
    out
}

fn size_u32(len: usize) -> u32 {
    u32::try_from(len).expect("test packets are small")
}

/// Encodes `packet`, decodes it back, and checks every length the codec reports.
fn check_round_trip(version: ProtocolVersion, packet: &Packet) -> Result<(), TestCaseError> {
    let mut bytes = Vec::new();
    let written = packet.encode(version, &mut bytes);
    prop_assert_eq!(written, Ok(bytes.len()));
    prop_assert_eq!(packet.encoded_len(version), Ok(bytes.len()));
    prop_assert_eq!(
        decode(&bytes, version, MAX_PACKET_SIZE),
        Ok(Decoded::Packet(packet.clone(), bytes.len())),
        "bytes: {:02X?}",
        bytes
    );

    // Encoding appends to what the buffer already holds.
    let mut appended = vec![0xAA];
    prop_assert_eq!(packet.encode(version, &mut appended), Ok(bytes.len()));
    prop_assert_eq!(appended.get(1..), Some(&bytes[..]));

    // Bytes after the packet are left alone.
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0xC0, 0x00, 0x30]);
    prop_assert_eq!(
        decode(&longer, version, MAX_PACKET_SIZE),
        Ok(Decoded::Packet(packet.clone(), bytes.len()))
    );

    // The maximum packet size counts the whole packet, fixed header included.
    let size = size_u32(bytes.len());
    prop_assert_eq!(
        decode(&bytes, version, size),
        Ok(Decoded::Packet(packet.clone(), bytes.len()))
    );
    prop_assert_eq!(
        decode(&bytes, version, size - 1),
        Err(DecodeError::PacketTooLarge { size: u64::from(size), maximum: size - 1 })
    );
    Ok(())
}

/// Feeds `chunks` to a fresh decoder, collecting packets after each chunk. Returns the
/// packets, how many had arrived after each chunk, and the first error.
fn run_stream<'a>(
    version: ProtocolVersion,
    max_packet_size: u32,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Packet>, Vec<usize>, Option<DecodeError>, StreamDecoder) {
    let mut decoder = StreamDecoder::new(version, max_packet_size);
    let mut packets = Vec::new();
    let mut counts = Vec::new();
    for chunk in chunks {
        if let Err(e) = decoder.feed(chunk) {
            return (packets, counts, Some(e), decoder);
        }
        loop {
            match decoder.next_packet() {
                Ok(Some(p)) => packets.push(p),
                Ok(None) => break,
                Err(e) => return (packets, counts, Some(e), decoder),
            }
        }
        counts.push(packets.len());
    }
    (packets, counts, None, decoder)
}

/// What decoding `bytes` packet after packet with [`decode`] gives: the packets up to the
/// first error or incomplete packet, and that error.
fn decode_all(
    bytes: &[u8],
    version: ProtocolVersion,
    max_packet_size: u32,
) -> (Vec<Packet>, Option<DecodeError>) {
    let mut packets = Vec::new();
    let mut offset = 0;
    loop {
        match decode(&bytes[offset..], version, max_packet_size) {
            Ok(Decoded::Packet(p, n)) => {
                assert!(n > 0 && offset + n <= bytes.len(), "consumed {n} bytes");
                offset += n;
                packets.push(p);
            }
            Ok(Decoded::Partial) => return (packets, None),
            Err(e) => return (packets, Some(e)),
        }
    }
}

/// Whatever the decoder accepts, the encoder writes back in a form the decoder reads as the
/// same packet.
fn check_accepted(
    version: ProtocolVersion,
    bytes: &[u8],
    max_packet_size: u32,
) -> Result<(), TestCaseError> {
    if let Ok(Decoded::Packet(packet, n)) = decode(bytes, version, max_packet_size) {
        prop_assert!(n >= 2 && n <= bytes.len() && n as u64 <= u64::from(max_packet_size));
        let again = encode(&packet, version);
        prop_assert_eq!(
            decode(&again, version, MAX_PACKET_SIZE),
            Ok(Decoded::Packet(packet.clone(), again.len())),
            "accepted {:02X?}, re-encoded as {:02X?}",
            &bytes[..n],
            again
        );
    }
    Ok(())
}

/// Feeds `bytes` in `chunks`-sized pieces and checks the stream against [`decode_all`]:
/// the same packets, and an error exactly when `decode_all` has one, which stays.
fn check_stream_matches_decode(
    version: ProtocolVersion,
    bytes: &[u8],
    chunk_sizes: &[usize],
    max_packet_size: u32,
) -> Result<(), TestCaseError> {
    let chunks = chunked(bytes, chunk_sizes);
    let (packets, _, error, mut decoder) = run_stream(version, max_packet_size, chunks);
    let (expected, expected_error) = decode_all(bytes, version, max_packet_size);
    prop_assert_eq!(&packets, &expected);
    prop_assert_eq!(&error, &expected_error);
    if let Some(e) = error {
        // Errors are sticky until reset.
        prop_assert_eq!(decoder.feed(&[0xC0, 0x00]), Err(e.clone()));
        prop_assert_eq!(decoder.next_packet(), Err(e));
        prop_assert_eq!(decoder.buffered_len(), 0);
        decoder.reset(version, MAX_PACKET_SIZE);
        prop_assert_eq!(decoder.feed(&[0xC0, 0x00]), Ok(()));
        prop_assert_eq!(decoder.next_packet(), Ok(Some(Packet::PingReq)));
    }
    Ok(())
}

/// `bytes` cut into pieces of the given sizes, cycling through them.
fn chunked<'a>(bytes: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = bytes;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(size.clamp(1, rest.len()));
        chunks.push(head);
        rest = tail;
    }
    chunks
}

// ---------------------------------------------------------------------------------------------
// 2. decode(encode(p)) == p, for every packet type under every version that has it.

macro_rules! round_trip_tests {
    ($($name:ident: $packet:ident,)*) => {
        proptest! {
            #![proptest_config(config(512))]
            $(
                #[test]
                fn $name((version, packet) in versioned(PacketType::$packet)) {
                    prop_assert_eq!(packet.packet_type(), PacketType::$packet);
                    check_round_trip(version, &packet)?;
                }
            )*
        }
    };
}

round_trip_tests! {
    connect_round_trips: Connect,
    connack_round_trips: ConnAck,
    publish_round_trips: Publish,
    puback_round_trips: PubAck,
    pubrec_round_trips: PubRec,
    pubrel_round_trips: PubRel,
    pubcomp_round_trips: PubComp,
    subscribe_round_trips: Subscribe,
    suback_round_trips: SubAck,
    unsubscribe_round_trips: Unsubscribe,
    unsuback_round_trips: UnsubAck,
    pingreq_round_trips: PingReq,
    pingresp_round_trips: PingResp,
    disconnect_round_trips: Disconnect,
    auth_round_trips: Auth,
}

#[test]
fn publish_round_trips_across_remaining_length_boundaries() {
    // Remaining Length takes 1, 2 or 3 bytes around 127/128 and 16,383/16,384.
    let topic = TopicName::new("t").expect("valid");
    for version in VERSIONS {
        for target in [127usize, 128, 16_383, 16_384] {
            for delta in 0..4 {
                let mut packet = Publish { topic: topic.clone(), ..Publish::default() };
                // The body: topic "t" (3 bytes), the property length under MQTT 5, the payload.
                let body = target + delta;
                packet.payload = vec![0x5A; body - 3 - usize::from(version.is_v5())];
                let packet = Packet::Publish(packet);
                let bytes = encode(&packet, version);
                let header = match body {
                    0..=127 => 2,
                    128..=16_383 => 3,
                    _ => 4,
                };
                assert_eq!(bytes.len(), header + body, "body of {body} bytes");
                assert_eq!(
                    decode(&bytes, version, MAX_PACKET_SIZE),
                    Ok(Decoded::Packet(packet.clone(), bytes.len()))
                );
                assert_eq!(packet.encoded_len(version), Ok(bytes.len()));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. A stream of packets cut anywhere decodes to the same packets.

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn stream_split_at_every_byte_yields_the_same_packets(
        (version, packets) in versioned_packets(1..6),
    ) {
        let encoded: Vec<Vec<u8>> = packets.iter().map(|p| encode(p, version)).collect();
        let bytes = encoded.concat();
        // Where each packet ends in the stream.
        let ends: Vec<usize> = encoded
            .iter()
            .scan(0, |end, e| {
                *end += e.len();
                Some(*end)
            })
            .collect();
        for split in 0..=bytes.len() {
            let (head, tail) = bytes.split_at(split);
            let (got, counts, error, decoder) =
                run_stream(version, MAX_PACKET_SIZE, [head, tail]);
            prop_assert_eq!(error, None, "split at {}", split);
            prop_assert_eq!(&got, &packets, "split at {}", split);
            prop_assert_eq!(decoder.buffered_len(), 0);
            // Each packet is yielded as soon as its last byte has arrived, not later.
            let complete = ends.iter().filter(|&&end| end <= split).count();
            prop_assert_eq!(counts.first(), Some(&complete), "split at {}", split);
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn stream_in_random_chunks_yields_the_same_packets(
        (version, packets) in versioned_packets(1..8),
        sizes in vec(1usize..64, 1..16),
    ) {
        let encoded: Vec<Vec<u8>> = packets.iter().map(|p| encode(p, version)).collect();
        let bytes = encoded.concat();
        // The largest packet is exactly at the limit.
        let limit = size_u32(encoded.iter().map(Vec::len).max().unwrap_or(0));
        for chunks in [chunked(&bytes, &sizes), chunked(&bytes, &[1]), vec![&bytes[..]]] {
            let total = chunks.len();
            let (got, counts, error, decoder) = run_stream(version, limit, chunks);
            prop_assert_eq!(error, None);
            prop_assert_eq!(&got, &packets);
            prop_assert_eq!(counts.len(), total);
            prop_assert_eq!(decoder.buffered_len(), 0);
        }
    }

    #[test]
    fn stream_refuses_a_packet_above_the_limit(
        (version, packets) in versioned_packets(1..6),
        pick in any::<Index>(),
    ) {
        let encoded: Vec<Vec<u8>> = packets.iter().map(|p| encode(p, version)).collect();
        let limit = size_u32(encoded[pick.index(encoded.len())].len()) - 1;
        check_stream_matches_decode(version, &encoded.concat(), &[7, 1, 30], limit)?;
        let (expected, error) = decode_all(&encoded.concat(), version, limit);
        prop_assert!(
            matches!(error, Some(DecodeError::PacketTooLarge { .. })),
            "expected PacketTooLarge, got {:?}",
            error
        );
        prop_assert!(expected.len() < packets.len());
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Arbitrary bytes never panic; a packet cut short needs more bytes and is not an error.

/// A first byte that starts a packet under some version, flags valid or not.
fn first_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => (1u8..=15).prop_map(|t| {
            let flags = match t {
                6 | 8 | 10 => 0b0010,
                _ => 0,
            };
            t << 4 | flags
        }),
        // PUBLISH with any flags.
        2 => (0u8..16).prop_map(|flags| 0x30 | flags),
        1 => any::<u8>(),
    ]
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn arbitrary_bytes_never_panic(
        version in version(),
        bytes in vec(any::<u8>(), 0..512),
        limit in prop_oneof![Just(MAX_PACKET_SIZE), 0u32..600],
        sizes in vec(1usize..64, 1..8),
    ) {
        check_accepted(version, &bytes, limit)?;
        check_stream_matches_decode(version, &bytes, &sizes, limit)?;
    }

    #[test]
    fn arbitrary_bodies_behind_a_valid_fixed_header_never_panic(
        version in version(),
        first in first_byte(),
        body in vec(any::<u8>(), 0..96),
        trailing in vec(any::<u8>(), 0..8),
    ) {
        // A fixed header that announces exactly the body, so the body decoders run.
        let mut bytes = vec![first];
        let mut len = body.len();
        loop {
            let byte = (len & 0x7F) as u8;
            len >>= 7;
            if len == 0 {
                bytes.push(byte);
                break;
            }
            bytes.push(byte | 0x80);
        }
        bytes.extend_from_slice(&body);
        let packet_len = bytes.len();
        bytes.extend_from_slice(&trailing);
        if let Ok(Decoded::Packet(_, n)) = decode(&bytes, version, MAX_PACKET_SIZE) {
            prop_assert_eq!(n, packet_len);
        }
        check_accepted(version, &bytes, MAX_PACKET_SIZE)?;
        check_stream_matches_decode(version, &bytes, &[3, 1, 17], MAX_PACKET_SIZE)?;
    }

    #[test]
    fn mutated_packets_never_panic(
        (version, packet) in versioned_packet(),
        mutations in vec((any::<Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = encode(&packet, version);
        for (at, value) in mutations {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        check_accepted(version, &bytes, MAX_PACKET_SIZE)?;
        check_stream_matches_decode(version, &bytes, &[5, 2], MAX_PACKET_SIZE)?;
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_truncated_packet_is_partial_not_an_error((version, packet) in versioned_packet()) {
        let bytes = encode(&packet, version);
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            prop_assert_eq!(
                decode(prefix, version, MAX_PACKET_SIZE),
                Ok(Decoded::Partial),
                "cut at {} of {:02X?}",
                cut,
                bytes
            );
            let mut decoder = StreamDecoder::new(version, MAX_PACKET_SIZE);
            prop_assert_eq!(decoder.feed(prefix), Ok(()));
            prop_assert_eq!(decoder.next_packet(), Ok(None));
            prop_assert_eq!(decoder.buffered_len(), cut);
            prop_assert_eq!(decoder.feed(&bytes[cut..]), Ok(()));
            prop_assert_eq!(decoder.next_packet(), Ok(Some(packet.clone())));
            prop_assert_eq!(decoder.next_packet(), Ok(None));
        }
    }

    #[test]
    fn a_packet_sent_under_another_version_decodes_to_a_stable_packet(
        (_from, packet) in versioned_packet(),
        to in version(),
    ) {
        // A packet generated for one version and sent under another loses what that version
        // cannot carry; whatever is decoded must encode back to itself.
        let mut bytes = Vec::new();
        match packet.encode(to, &mut bytes) {
            Ok(n) => {
                prop_assert_eq!(n, bytes.len());
                check_accepted(to, &bytes, MAX_PACKET_SIZE)?;
            }
            // AUTH does not exist before MQTT 5, and an alias-only PUBLISH has no topic there.
            Err(e) => prop_assert!(
                (matches!(packet, Packet::Auth(_)) && !to.is_v5())
                    || matches!(e, EncodeError::Invalid { .. }) && !to.is_v5(),
                "encoding failed: {}",
                e
            ),
        }
    }
}
