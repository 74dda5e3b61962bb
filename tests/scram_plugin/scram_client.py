#!/usr/bin/env python3
"""Minimal MQTT 5 SCRAM-SHA-256 client, used only to check scram_plugin.so by hand.

Usage: scram_client.py PORT USER PASSWORD [REAUTH_PASSWORD]

Connects to 127.0.0.1:PORT with enhanced authentication (CONNECT -> AUTH 0x18 ->
AUTH 0x18 -> CONNACK with server-final), verifies the server signature, then
re-authenticates (AUTH 0x19 -> AUTH 0x18 -> AUTH 0x18 -> AUTH 0x00 with
server-final) using REAUTH_PASSWORD (default: PASSWORD), verifies it again and
disconnects.

Exit status: 0 on success, 1 when the broker rejected the credentials
(message says how), 2 on any other problem.
"""

import base64
import hashlib
import hmac
import os
import socket
import sys

METHOD = "SCRAM-SHA-256"

# Property identifier -> wire type.
PROP_TYPES = {
    0x01: "byte", 0x02: "u32", 0x03: "str", 0x08: "str", 0x09: "bin", 0x0B: "varint",
    0x11: "u32", 0x12: "str", 0x13: "u16", 0x15: "str", 0x16: "bin", 0x17: "byte",
    0x18: "u32", 0x19: "byte", 0x1A: "str", 0x1C: "str", 0x1F: "str", 0x21: "u16",
    0x22: "u16", 0x23: "u16", 0x24: "byte", 0x25: "byte", 0x26: "pair", 0x27: "u32",
    0x28: "byte", 0x29: "byte", 0x2A: "byte",
}


class Rejected(Exception):
    """The broker refused authentication."""


class ProtocolError(Exception):
    """Anything unexpected."""


# --------------------------------------------------------------------------
# MQTT encoding


def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mqtt_str(s):
    b = s.encode() if isinstance(s, str) else s
    return len(b).to_bytes(2, "big") + b


def auth_props(data):
    props = b"\x15" + mqtt_str(METHOD) + b"\x16" + mqtt_str(data.encode())
    return varint(len(props)) + props


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def connect_packet(client_first):
    body = mqtt_str("MQTT") + bytes([5, 0x02]) + (30).to_bytes(2, "big")
    body += auth_props(client_first)
    body += mqtt_str("scram-client-%d" % os.getpid())
    return packet(0x10, body)


def auth_packet(reason, data):
    return packet(0xF0, bytes([reason]) + auth_props(data))


# --------------------------------------------------------------------------
# MQTT decoding


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed by broker")
        buf += chunk
    return buf


def read_packet(sock):
    first = read_exact(sock, 1)[0]
    length, shift = 0, 0
    while True:
        b = read_exact(sock, 1)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return first, read_exact(sock, length)


def decode_varint(buf, i):
    n, shift = 0, 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def parse_props(buf, i):
    length, i = decode_varint(buf, i)
    end = i + length
    props = {}
    while i < end:
        ident = buf[i]
        i += 1
        kind = PROP_TYPES.get(ident)
        if kind == "byte":
            val, i = buf[i], i + 1
        elif kind == "u16":
            val, i = int.from_bytes(buf[i:i + 2], "big"), i + 2
        elif kind == "u32":
            val, i = int.from_bytes(buf[i:i + 4], "big"), i + 4
        elif kind == "varint":
            val, i = decode_varint(buf, i)
        elif kind in ("str", "bin"):
            n = int.from_bytes(buf[i:i + 2], "big")
            val, i = buf[i + 2:i + 2 + n], i + 2 + n
            if kind == "str":
                val = val.decode()
        elif kind == "pair":
            n = int.from_bytes(buf[i:i + 2], "big")
            k = buf[i + 2:i + 2 + n].decode()
            i += 2 + n
            n = int.from_bytes(buf[i:i + 2], "big")
            val, i = (k, buf[i + 2:i + 2 + n].decode()), i + 2 + n
        else:
            raise ProtocolError("unknown property 0x%02x" % ident)
        props[ident] = val
    return props, end


def describe(first, body):
    kind = first >> 4
    names = {2: "CONNACK", 14: "DISCONNECT", 15: "AUTH"}
    name = names.get(kind, "packet type %d" % kind)
    reason, props = None, {}
    if kind == 2 and len(body) >= 2:
        reason = body[1]
        props, _ = parse_props(body, 2) if len(body) > 2 else ({}, 2)
    elif kind in (14, 15):
        reason = body[0] if body else 0
        props, _ = parse_props(body, 1) if len(body) > 1 else ({}, 1)
    return kind, name, reason, props


def expect(sock, want_kind, want_reason, stage):
    """Reads the next packet; returns its Authentication Data.

    A refusal (CONNACK/DISCONNECT/AUTH with an error reason, or a closed
    socket) raises Rejected; anything else unexpected raises ProtocolError."""
    try:
        first, body = read_packet(sock)
    except (EOFError, ConnectionResetError) as e:
        raise Rejected("%s: %s" % (stage, e))
    kind, name, reason, props = describe(first, body)
    detail = "%s reason 0x%02x" % (name, reason if reason is not None else 0)
    if 0x1F in props:
        detail += " (%s)" % props[0x1F]
    if kind != want_kind or reason != want_reason:
        if reason is not None and reason >= 0x80:
            raise Rejected("%s: broker sent %s" % (stage, detail))
        raise ProtocolError("%s: expected %s reason 0x%02x, got %s"
                            % (stage, {2: "CONNACK", 15: "AUTH"}[want_kind], want_reason, detail))
    if props.get(0x15) != METHOD:
        raise ProtocolError("%s: %s without authentication method %s (props %r)"
                            % (stage, name, METHOD, props))
    data = props.get(0x16)
    if data is None:
        raise ProtocolError("%s: %s carries no authentication data" % (stage, name))
    return data.decode()


# --------------------------------------------------------------------------
# SCRAM


def b64(b):
    return base64.b64encode(b).decode()


class Scram:
    def __init__(self, user, password):
        self.user = user.replace("=", "=3D").replace(",", "=2C")
        self.password = password.encode()
        self.cnonce = base64.b64encode(os.urandom(18)).decode()
        self.client_first_bare = "n=%s,r=%s" % (self.user, self.cnonce)

    def client_first(self):
        return "n,," + self.client_first_bare

    def client_final(self, server_first):
        attrs = dict(a.split("=", 1) for a in server_first.split(","))
        nonce, salt, iters = attrs["r"], base64.b64decode(attrs["s"]), int(attrs["i"])
        if not nonce.startswith(self.cnonce) or len(nonce) == len(self.cnonce):
            raise ProtocolError("server nonce %r does not extend ours %r" % (nonce, self.cnonce))
        salted = hashlib.pbkdf2_hmac("sha256", self.password, salt, iters)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = "c=biws,r=" + nonce
        auth_message = ",".join([self.client_first_bare, server_first, without_proof]).encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        self.expected_server_final = "v=" + b64(
            hmac.new(server_key, auth_message, hashlib.sha256).digest())
        return without_proof + ",p=" + b64(proof)

    def verify(self, server_final, stage):
        if not hmac.compare_digest(server_final, self.expected_server_final):
            raise ProtocolError("%s: bad server signature %r (expected %r)"
                                % (stage, server_final, self.expected_server_final))


def self_test():
    """RFC 7677 section 3 test vector."""
    s = Scram("user", "pencil")
    s.cnonce = "rOprNGfwEbeRWgbNEkqO"
    s.client_first_bare = "n=user,r=" + s.cnonce
    final = s.client_final("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                           "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    assert final == ("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                     "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), final
    assert s.expected_server_final == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


# --------------------------------------------------------------------------


def run(port, user, password, reauth_password):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        scram = Scram(user, password)
        sock.sendall(connect_packet(scram.client_first()))
        server_first = expect(sock, 15, 0x18, "connect: server-first")
        sock.sendall(auth_packet(0x18, scram.client_final(server_first)))
        scram.verify(expect(sock, 2, 0x00, "connect: CONNACK"), "connect")
        print("connect: authenticated as %s, server signature verified" % user)

        scram = Scram(user, reauth_password)
        sock.sendall(auth_packet(0x19, scram.client_first()))
        server_first = expect(sock, 15, 0x18, "re-auth: server-first")
        sock.sendall(auth_packet(0x18, scram.client_final(server_first)))
        scram.verify(expect(sock, 15, 0x00, "re-auth: final AUTH"), "re-auth")
        print("re-auth: authenticated again, server signature verified")

        sock.sendall(packet(0xE0, b"\x00"))
    finally:
        sock.close()


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    self_test()
    port, user, password = int(argv[1]), argv[2], argv[3]
    reauth_password = argv[4] if len(argv) == 5 else password
    try:
        run(port, user, password, reauth_password)
    except Rejected as e:
        print("rejected: %s" % e, file=sys.stderr)
        return 1
    except (ProtocolError, OSError, ValueError, KeyError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
