//! The decoder on arbitrary bytes, under every protocol version.
//!
//! Checks, beyond "no panic": decoding a buffer whole and fed in pieces gives the same packets,
//! and every decoded packet re-encodes to bytes that decode to the same packet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmqtt::codec::{decode, Decoded, Packet, ProtocolVersion, StreamDecoder, MAX_PACKET_SIZE};

const LIMIT: u32 = 1 << 16;

fn whole(data: &[u8], version: ProtocolVersion) -> (Vec<Packet>, bool) {
    let mut packets = Vec::new();
    let mut rest = data;
    loop {
        match decode(rest, version, LIMIT) {
            Ok(Decoded::Packet(packet, used)) => {
                packets.push(packet);
                rest = &rest[used..];
            }
            Ok(Decoded::Partial) => return (packets, false),
            Err(_) => return (packets, true),
        }
    }
}

fn pieces(data: &[u8], version: ProtocolVersion, piece: usize) -> (Vec<Packet>, bool) {
    let mut decoder = StreamDecoder::new(version, LIMIT);
    let mut packets = Vec::new();
    for chunk in data.chunks(piece) {
        if decoder.feed(chunk).is_err() {
            return (packets, true);
        }
        loop {
            match decoder.next_packet() {
                Ok(Some(packet)) => packets.push(packet),
                Ok(None) => break,
                Err(_) => return (packets, true),
            }
        }
    }
    (packets, false)
}

fuzz_target!(|data: &[u8]| {
    for version in [ProtocolVersion::V3_1, ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let (packets, failed) = whole(data, version);
        let piece = 1 + data.first().map_or(0, |&b| usize::from(b % 7));
        let (streamed, stream_failed) = pieces(data, version, piece);
        if failed == stream_failed {
            assert_eq!(packets, streamed, "streamed decode differs under {version}");
        } else {
            // The stream refuses an oversized header before its body arrives; the whole-buffer
            // decode may have stopped at a partial packet first. Packets before agree.
            let n = packets.len().min(streamed.len());
            assert_eq!(packets[..n], streamed[..n]);
        }
        for packet in packets {
            let mut bytes = Vec::new();
            packet.encode(version, &mut bytes).expect("a decoded packet re-encodes");
            match decode(&bytes, version, MAX_PACKET_SIZE) {
                Ok(Decoded::Packet(again, used)) => {
                    assert_eq!(used, bytes.len());
                    assert_eq!(again, packet, "re-encoded packet differs under {version}");
                }
                other => panic!("re-encoded {packet:?} decodes as {other:?}"),
            }
        }
    }
});
