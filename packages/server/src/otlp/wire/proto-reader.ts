/**
 * A protobuf wire-format reader, just enough for the OTLP messages: varints, fixed64, doubles and
 * length-delimited fields, with every length checked against the end of its message so a
 * truncated or corrupted body fails with the byte offset instead of reading past it.
 */
import { KeystrokeError } from "@keystroke/core";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_FIXED32 = 5;

/** An undecodable body: 400, and clients do not retry it. */
export function undecodable(message: string, path?: string): KeystrokeError {
  return new KeystrokeError("invalid_input", `Undecodable OTLP body: ${path ? `${path}: ` : ""}${message}`, {
    hint: "Send an OTLP ExportTraceServiceRequest or ExportLogsServiceRequest as protobuf or JSON",
    details: { problems: [{ path: path ?? "(body)", message }] },
  });
}

/** Keys of the attributes read last (ProtoReader.key), by a hash of their length and end bytes. */
const keptKeys: (string | undefined)[] = new Array(256).fill(undefined);
const MAX_KEPT_KEY = 100;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * Reads one message (or a nested one, through `sub`) of a protobuf buffer.
 *
 * @example
 * const reader = new ProtoReader(buffer);
 * while (reader.more()) { const [field, wire] = reader.tag(); reader.skip(wire); }
 */
export class ProtoReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  more(): boolean {
    return this.pos < this.end;
  }

  /** The next field number and wire type. */
  tag(): [number, number] {
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) throw undecodable(`field number 0 at byte ${this.pos}`);
    if (wire !== WIRE_VARINT && wire !== WIRE_FIXED64 && wire !== WIRE_LENGTH && wire !== WIRE_FIXED32) {
      throw undecodable(`unsupported wire type ${wire} at byte ${this.pos}`);
    }
    return [field, wire];
  }

  /** An unsigned varint up to 64 bits, as a number (exact up to 2^53). */
  varint(): number {
    const { buf, end } = this;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw undecodable(`truncated varint at byte ${this.pos}`);
      const byte = buf[this.pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw undecodable(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A two's-complement int64 varint, as a number; past 2^53 (negative numbers) read exactly with BigInt. */
  int64(): number {
    const start = this.pos;
    const value = this.varint();
    if (value < 2 ** 53) return value;
    let exact = 0n;
    for (let i = start, shift = 0n; i < this.pos; i++, shift += 7n) {
      exact |= BigInt((this.buf[i] as number) & 0x7f) << shift;
    }
    return Number(BigInt.asIntN(64, exact));
  }

  fixed64(): number {
    this.need(8);
    const low = this.buf.readUInt32LE(this.pos);
    const high = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return high * 4294967296 + low;
  }

  double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  fixed32(): number {
    this.need(4);
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  /**
   * Moves past a length-delimited field's content and says where it starts (it ends where the
   * reader now is): one number, not a pair of bounds for every field, which was the largest
   * allocation of decoding a request.
   */
  private take(): number {
    const length = this.varint();
    this.need(length);
    const start = this.pos;
    this.pos += length;
    return start;
  }

  string(): string {
    const start = this.take();
    return this.buf.toString("utf8", start, this.pos);
  }

  /**
   * An attribute's key. A request repeats a handful of keys thousands of times, so a short ASCII
   * key is taken from the last one read with the same length and ends when its bytes match:
   * one string per key instead of one per attribute, which also spares the engine looking each new
   * copy up again when it names a property.
   */
  key(): string {
    const start = this.take();
    const end = this.pos;
    const length = end - start;
    const buf = this.buf;
    if (length === 0 || length > MAX_KEPT_KEY) return buf.toString("utf8", start, end);
    const slot = (length * 31 + (buf[start] as number) * 7 + (buf[end - 1] as number)) & (keptKeys.length - 1);
    const kept = keptKeys[slot];
    if (kept !== undefined && kept.length === length) {
      let i = 0;
      while (i < length && kept.charCodeAt(i) === buf[start + i]) i++;
      if (i === length) return kept;
    }
    const key = buf.toString("utf8", start, end);
    // Only an ASCII key has as many characters as bytes, each the byte it matches.
    if (key.length === length && isAscii(key)) keptKeys[slot] = key;
    return key;
  }

  /** Bytes as lowercase hex (trace and span ids). */
  hex(): string {
    const start = this.take();
    return this.buf.toString("hex", start, this.pos);
  }

  base64(): string {
    const start = this.take();
    return this.buf.toString("base64", start, this.pos);
  }

  /** A reader over a nested message. */
  sub(): ProtoReader {
    const start = this.take();
    return new ProtoReader(this.buf, start, this.pos);
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) {
      this.varint();
      return;
    }
    if (wire === WIRE_LENGTH) {
      this.take();
      return;
    }
    const bytes = wire === WIRE_FIXED64 ? 8 : 4;
    this.need(bytes);
    this.pos += bytes;
  }

  /** Fails unless the field has the wire type its definition gives it. */
  expect(wire: number, want: number, field: string): void {
    if (wire !== want) throw undecodable(`wire type ${wire} where ${field} has wire type ${want}`, field);
  }

  private need(bytes: number): void {
    if (bytes > this.end - this.pos) throw undecodable(`truncated: ${bytes} bytes wanted at byte ${this.pos}`);
  }
}
