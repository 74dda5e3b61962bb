// RFC 6455 framing by hand, for the scripted WebSocket peer and the fault-injecting proxy.
import { createHash, randomBytes } from 'node:crypto';

/** Reads the whole frames at the start of `buf`: gives them ({ opcode, payload }, unmasked)
 *  and the bytes left over (an incomplete frame). */
export function parseFrames(buf) {
  const frames = [];
  let f = buf;
  for (;;) {
    if (f.length < 2) break;
    const opcode = f[0] & 0x0f;
    let len = f[1] & 0x7f;
    let at = 2;
    if (len === 126) { if (f.length < 4) break; len = f.readUInt16BE(2); at = 4; }
    else if (len === 127) { if (f.length < 10) break; len = Number(f.readBigUInt64BE(2)); at = 10; }
    const masked = (f[1] & 0x80) !== 0;
    const mask = masked ? f.subarray(at, at + 4) : null;
    if (masked) at += 4;
    if (f.length < at + len) break;
    const payload = Buffer.from(f.subarray(at, at + len));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
    frames.push({ opcode, payload });
    f = f.subarray(at + len);
  }
  return { frames, rest: f };
}

/** One final frame; `masked` as a client must send them. */
export function encodeFrame(opcode, payload, masked = false) {
  const n = payload.length;
  const maskBit = masked ? 0x80 : 0;
  const head = n < 126 ? Buffer.from([0x80 | opcode, maskBit | n])
    : n < 65536 ? Buffer.from([0x80 | opcode, maskBit | 126, n >> 8, n & 0xff])
      : (() => { const h = Buffer.alloc(10); h[0] = 0x80 | opcode; h[1] = maskBit | 127; h.writeBigUInt64BE(BigInt(n), 2); return h; })();
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4];
  return Buffer.concat([head, mask, body]);
}

/** The Sec-WebSocket-Accept answer to a client's Sec-WebSocket-Key. */
export function acceptKey(key) {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}
