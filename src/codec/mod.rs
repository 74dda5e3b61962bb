//! One codec for MQTT 3.1, 3.1.1 and 5.0: the version is an argument of [`encode`] and
//! [`decode`], not a type. The fifteen control packets share one [`Packet`] model whose MQTT 5
//! properties are empty under 3.x.
//!
//! Decoding never panics and never allocates more than the bytes it was given: a packet is
//! checked against the maximum packet size from its fixed header, before its body is read.
//! "Need more bytes" is [`Decoded::Partial`], not an error. For a byte stream use
//! [`StreamDecoder`].

mod connect;
mod control;
mod error;
pub(crate) mod primitives;
pub mod properties;
mod publish;
mod reason;
mod stream;
mod subscribe;
mod values;

pub(crate) use values::Quoted;

pub use connect::{ConnAck, Connect, Will};
pub use control::{Auth, Disconnect};
pub use error::{DecodeError, EncodeError};
pub use properties::{
    AckProperties, AuthProperties, ConnAckProperties, ConnectProperties, DisconnectProperties,
    PropertyId, PublishProperties, SubscribeProperties, UnsubscribeProperties, WillProperties,
};
pub use publish::{Ack, Delivery, Publish};
pub use reason::ReasonCode;
pub use stream::StreamDecoder;
pub use subscribe::{SubAck, Subscribe, Subscription, SubscriptionOptions, UnsubAck, Unsubscribe};
pub use values::{
    BinaryData, MqttString, PacketId, ProtocolVersion, QoS, RetainHandling, SubscriptionId,
    UserProperty, ValueError, MAX_FIELD_LEN, MAX_VARIABLE_BYTE_INTEGER,
};

use primitives::{
    put_variable_byte_integer, read_variable_byte_integer, variable_byte_integer_len, Reader,
};
pub(crate) use values::preview;

/// The largest packet MQTT can express: a 5-byte fixed header and the largest Remaining Length.
pub const MAX_PACKET_SIZE: u32 = 1 + 4 + MAX_VARIABLE_BYTE_INTEGER;

/// The fifteen MQTT control packet types (MQTT 5.0 section 2.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    /// 1: client asks to connect.
    Connect = 1,
    /// 2: connect acknowledgement.
    ConnAck = 2,
    /// 3: an application message.
    Publish = 3,
    /// 4: QoS 1 acknowledgement.
    PubAck = 4,
    /// 5: QoS 2 delivery, part 1.
    PubRec = 5,
    /// 6: QoS 2 delivery, part 2.
    PubRel = 6,
    /// 7: QoS 2 delivery, part 3.
    PubComp = 7,
    /// 8: subscribe request.
    Subscribe = 8,
    /// 9: subscribe acknowledgement.
    SubAck = 9,
    /// 10: unsubscribe request.
    Unsubscribe = 10,
    /// 11: unsubscribe acknowledgement.
    UnsubAck = 11,
    /// 12: ping request.
    PingReq = 12,
    /// 13: ping response.
    PingResp = 13,
    /// 14: disconnect notification.
    Disconnect = 14,
    /// 15: authentication exchange (MQTT 5 only).
    Auth = 15,
}

impl PacketType {
    /// Its name as the spec writes it (`CONNACK`, `PUBLISH`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::ConnAck => "CONNACK",
            Self::Publish => "PUBLISH",
            Self::PubAck => "PUBACK",
            Self::PubRec => "PUBREC",
            Self::PubRel => "PUBREL",
            Self::PubComp => "PUBCOMP",
            Self::Subscribe => "SUBSCRIBE",
            Self::SubAck => "SUBACK",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::UnsubAck => "UNSUBACK",
            Self::PingReq => "PINGREQ",
            Self::PingResp => "PINGRESP",
            Self::Disconnect => "DISCONNECT",
            Self::Auth => "AUTH",
        }
    }

    /// The packet type with this number, if `version` has it.
    pub const fn from_u8(value: u8, version: ProtocolVersion) -> Option<Self> {
        Some(match value {
            1 => Self::Connect,
            2 => Self::ConnAck,
            3 => Self::Publish,
            4 => Self::PubAck,
            5 => Self::PubRec,
            6 => Self::PubRel,
            7 => Self::PubComp,
            8 => Self::Subscribe,
            9 => Self::SubAck,
            10 => Self::Unsubscribe,
            11 => Self::UnsubAck,
            12 => Self::PingReq,
            13 => Self::PingResp,
            14 => Self::Disconnect,
            15 if version.is_v5() => Self::Auth,
            _ => return None,
        })
    }

    /// The fixed header flags every packet but PUBLISH must carry [MQTT-2.1.3-1].
    const fn required_flags(self) -> u8 {
        match self {
            Self::PubRel | Self::Subscribe | Self::Unsubscribe => 0b0010,
            _ => 0,
        }
    }
}

/// An MQTT control packet, in any protocol version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// CONNECT, boxed: it is large and sent once per connection.
    Connect(Box<Connect>),
    /// CONNACK, boxed: it is large and received once per connection.
    ConnAck(Box<ConnAck>),
    /// PUBLISH.
    Publish(Publish),
    /// PUBACK.
    PubAck(Ack),
    /// PUBREC.
    PubRec(Ack),
    /// PUBREL.
    PubRel(Ack),
    /// PUBCOMP.
    PubComp(Ack),
    /// SUBSCRIBE.
    Subscribe(Subscribe),
    /// SUBACK.
    SubAck(SubAck),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe),
    /// UNSUBACK.
    UnsubAck(UnsubAck),
    /// PINGREQ.
    PingReq,
    /// PINGRESP.
    PingResp,
    /// DISCONNECT.
    Disconnect(Disconnect),
    /// AUTH (MQTT 5 only).
    Auth(Auth),
}

/// The result of decoding from the front of a buffer.
// Not boxed: it is matched right away, and boxing would cost an allocation per packet.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A whole packet, and how many bytes it took.
    Packet(Packet, usize),
    /// The buffer ends inside a packet: call again with more bytes.
    Partial,
}

impl Packet {
    /// Its type.
    pub const fn packet_type(&self) -> PacketType {
        match self {
            Self::Connect(_) => PacketType::Connect,
            Self::ConnAck(_) => PacketType::ConnAck,
            Self::Publish(_) => PacketType::Publish,
            Self::PubAck(_) => PacketType::PubAck,
            Self::PubRec(_) => PacketType::PubRec,
            Self::PubRel(_) => PacketType::PubRel,
            Self::PubComp(_) => PacketType::PubComp,
            Self::Subscribe(_) => PacketType::Subscribe,
            Self::SubAck(_) => PacketType::SubAck,
            Self::Unsubscribe(_) => PacketType::Unsubscribe,
            Self::UnsubAck(_) => PacketType::UnsubAck,
            Self::PingReq => PacketType::PingReq,
            Self::PingResp => PacketType::PingResp,
            Self::Disconnect(_) => PacketType::Disconnect,
            Self::Auth(_) => PacketType::Auth,
        }
    }

    fn first_byte(&self) -> u8 {
        let flags = match self {
            Self::Publish(p) => p.fixed_header_flags(),
            other => other.packet_type().required_flags(),
        };
        (self.packet_type() as u8) << 4 | flags
    }

    fn body_len(&self, version: ProtocolVersion) -> usize {
        match self {
            Self::Connect(p) => p.body_len(version),
            Self::ConnAck(p) => p.body_len(version),
            Self::Publish(p) => p.body_len(version),
            Self::PubAck(p) | Self::PubRec(p) | Self::PubRel(p) | Self::PubComp(p) => {
                p.body_len(version)
            }
            Self::Subscribe(p) => p.body_len(version),
            Self::SubAck(p) => p.body_len(version),
            Self::Unsubscribe(p) => p.body_len(version),
            Self::UnsubAck(p) => p.body_len(version),
            Self::PingReq | Self::PingResp => 0,
            Self::Disconnect(p) => p.body_len(version),
            Self::Auth(p) => p.body_len(version),
        }
    }

    fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        match self {
            Self::Connect(p) => p.encode_body(version, out),
            Self::ConnAck(p) => p.encode_body(version, out),
            Self::Publish(p) => p.encode_body(version, out),
            Self::PubAck(p) | Self::PubRec(p) | Self::PubRel(p) | Self::PubComp(p) => {
                p.encode_body(version, out)
            }
            Self::Subscribe(p) => p.encode_body(version, out),
            Self::SubAck(p) => p.encode_body(version, out),
            Self::Unsubscribe(p) => p.encode_body(version, out),
            Self::UnsubAck(p) => p.encode_body(version, out),
            Self::PingReq | Self::PingResp => {}
            Self::Disconnect(p) => p.encode_body(version, out),
            Self::Auth(p) => p.encode_body(version, out),
        }
    }

    /// The rules that span several fields, which the types alone cannot hold.
    fn check_cross_field_rules(&self, version: ProtocolVersion) -> Result<(), &'static str> {
        match self {
            Self::Connect(p) => p.check(version),
            Self::ConnAck(p) => check_authentication_pair(
                p.properties.authentication_method.as_ref(),
                p.properties.authentication_data.as_ref(),
            ),
            Self::Publish(p) => p.check(version),
            Self::Subscribe(p) => p.check(version),
            Self::Unsubscribe(p) if p.filters.is_empty() => {
                Err("it has no topic filter [MQTT-3.10.3-2]")
            }
            Self::Auth(p) => check_authentication_pair(
                p.properties.authentication_method.as_ref(),
                p.properties.authentication_data.as_ref(),
            ),
            _ => Ok(()),
        }
    }

    /// Bytes the packet takes on the wire under `version`, fixed header included.
    ///
    /// Fails when it exceeds the 268,435,455-byte Remaining Length, is AUTH before MQTT 5, or
    /// breaks a rule spanning several fields ([`EncodeError::Invalid`]). A session compares
    /// this with the peer's Maximum Packet Size before sending.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if matches!(self, Self::Auth(_)) && !version.is_v5() {
            return Err(EncodeError::NotInVersion { packet: PacketType::Auth, version });
        }
        self.check_cross_field_rules(version)
            .map_err(|why| EncodeError::Invalid { packet: self.packet_type(), why })?;
        let body = self.body_len(version);
        match u32::try_from(body) {
            Ok(len) if len <= MAX_VARIABLE_BYTE_INTEGER => {
                Ok(1 + variable_byte_integer_len(len) + body)
            }
            _ => Err(EncodeError::PacketTooLarge {
                packet: self.packet_type(),
                size: body as u64 + 5,
                maximum: u64::from(MAX_PACKET_SIZE),
            }),
        }
    }

    /// Appends the packet's bytes under `version` to `out` and returns how many it wrote.
    ///
    /// Every field is valid by construction; what can still fail is what
    /// [`Packet::encoded_len`] checks. On failure nothing is written. Under MQTT 3.x, properties and
    /// reason codes that 3.x cannot carry are left out.
    pub fn encode(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, EncodeError> {
        let total = self.encoded_len(version)?;
        let body = self.body_len(version);
        out.reserve(total);
        out.push(self.first_byte());
        put_variable_byte_integer(out, u32::try_from(body).unwrap_or(MAX_VARIABLE_BYTE_INTEGER));
        self.encode_body(version, out);
        Ok(total)
    }
}

/// Appends `packet`'s bytes under `version` to `out`; see [`Packet::encode`].
pub fn encode(
    packet: &Packet,
    version: ProtocolVersion,
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    packet.encode(version, out)
}

/// A packet's fixed header: its type, flags and the size of what follows.
#[derive(Debug, Clone, Copy)]
struct FixedHeader {
    packet_type: PacketType,
    flags: u8,
    header_len: usize,
    remaining_len: usize,
}

/// Reads the fixed header at the front of `bytes`, and checks the packet's total size against
/// `max_packet_size` before anything else is read: `Ok(None)` when the header is incomplete.
fn decode_fixed_header(
    bytes: &[u8],
    version: ProtocolVersion,
    max_packet_size: u32,
) -> Result<Option<FixedHeader>, DecodeError> {
    let Some((&first, rest)) = bytes.split_first() else {
        return Ok(None);
    };
    let kind = first >> 4;
    let flags = first & 0x0F;
    let packet_type =
        PacketType::from_u8(kind, version).ok_or(DecodeError::UnknownPacketType(kind))?;
    if packet_type != PacketType::Publish && flags != packet_type.required_flags() {
        return Err(DecodeError::InvalidFixedHeaderFlags { packet: packet_type, flags });
    }
    let Some((remaining, vbi_len)) = read_variable_byte_integer(rest)? else {
        return Ok(None);
    };
    let header_len = 1 + vbi_len;
    let size = header_len as u64 + u64::from(remaining);
    if size > u64::from(max_packet_size) {
        return Err(DecodeError::PacketTooLarge { size, maximum: max_packet_size });
    }
    let remaining_len = usize::try_from(remaining)
        .map_err(|_| DecodeError::PacketTooLarge { size, maximum: max_packet_size })?;
    Ok(Some(FixedHeader { packet_type, flags, header_len, remaining_len }))
}

/// Decodes one packet from the front of `bytes` under `version`.
///
/// Packets larger than `max_packet_size` (fixed header included) are rejected from their
/// header alone. Bytes after the packet are left alone: [`Decoded::Packet`] says how many
/// were used.
pub fn decode(
    bytes: &[u8],
    version: ProtocolVersion,
    max_packet_size: u32,
) -> Result<Decoded, DecodeError> {
    let Some(header) = decode_fixed_header(bytes, version, max_packet_size)? else {
        return Ok(Decoded::Partial);
    };
    let end = header.header_len + header.remaining_len;
    let Some(body) = bytes.get(header.header_len..end) else {
        return Ok(Decoded::Partial);
    };
    let packet = decode_body(header, body, version)?;
    Ok(Decoded::Packet(packet, end))
}

fn decode_body(
    header: FixedHeader,
    body: &[u8],
    version: ProtocolVersion,
) -> Result<Packet, DecodeError> {
    let mut r = Reader::new(body, header.packet_type);
    let packet = match header.packet_type {
        PacketType::Connect => Packet::Connect(Box::new(Connect::decode(&mut r, version)?)),
        PacketType::ConnAck => Packet::ConnAck(Box::new(ConnAck::decode(&mut r, version)?)),
        PacketType::Publish => Packet::Publish(Publish::decode(&mut r, version, header.flags)?),
        PacketType::PubAck => Packet::PubAck(Ack::decode(&mut r, version)?),
        PacketType::PubRec => Packet::PubRec(Ack::decode(&mut r, version)?),
        PacketType::PubRel => Packet::PubRel(Ack::decode(&mut r, version)?),
        PacketType::PubComp => Packet::PubComp(Ack::decode(&mut r, version)?),
        PacketType::Subscribe => Packet::Subscribe(Subscribe::decode(&mut r, version)?),
        PacketType::SubAck => Packet::SubAck(SubAck::decode(&mut r, version)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe::decode(&mut r, version)?),
        PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::decode(&mut r, version)?),
        PacketType::PingReq => Packet::PingReq,
        PacketType::PingResp => Packet::PingResp,
        PacketType::Disconnect => Packet::Disconnect(Disconnect::decode(&mut r, version)?),
        PacketType::Auth => Packet::Auth(Auth::decode(&mut r, version)?),
    };
    r.finish()?;
    Ok(packet)
}

/// Authentication Data needs an Authentication Method.
fn check_authentication_pair(
    method: Option<&MqttString>,
    data: Option<&BinaryData>,
) -> Result<(), &'static str> {
    if data.is_some() && method.is_none() {
        return Err("it has authentication data but no authentication method");
    }
    Ok(())
}

/// Reads a reason code byte and checks that `r`'s packet may carry it.
fn read_reason_code(r: &mut Reader<'_>) -> Result<ReasonCode, DecodeError> {
    let packet = r.packet();
    let code = r.u8("reason code")?;
    ReasonCode::from_u8(code)
        .filter(|c| c.is_valid_in(packet))
        .ok_or(DecodeError::InvalidReasonCode { packet, code })
}

/// Reads a packet identifier, which must not be 0 [MQTT-2.2.1-3].
fn read_packet_id(r: &mut Reader<'_>) -> Result<PacketId, DecodeError> {
    let packet = r.packet();
    PacketId::new(r.u16("packet identifier")?).ok_or(DecodeError::ZeroPacketId { packet })
}
