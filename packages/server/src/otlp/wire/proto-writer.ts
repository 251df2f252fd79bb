/**
 * A protobuf wire-format writer for the messages Keystroke sends: OTLP responses and the
 * `google.rpc.Status` of a refusal, and the ExportTraceServiceRequest of the exporter. Nested
 * messages are written into their own writer and copied in with their length.
 */

/**
 * @example
 * const status = new ProtoWriter().int(1, 3).string(2, "bad body").finish();
 */
export class ProtoWriter {
  private chunks: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(256);
  private used = 0;

  private room(bytes: number): void {
    if (this.used + bytes <= this.scratch.length) return;
    this.chunks.push(this.scratch.subarray(0, this.used));
    this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, bytes));
    this.used = 0;
  }

  /** A bare varint, after `key` (for values proto3 would otherwise leave out, in a oneof). */
  raw(value: number): this {
    this.rawVarint(value);
    return this;
  }

  /** An int64 varint field written even when zero (a oneof member); negatives in two's complement. */
  int64(field: number, value: number): this {
    this.key(field, 0);
    if (value >= 0) return this.raw(value);
    let rest = BigInt.asUintN(64, BigInt(value));
    this.room(10);
    while (rest >= 0x80n) {
      this.scratch[this.used++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.scratch[this.used++] = Number(rest);
    return this;
  }

  private rawVarint(value: number): void {
    this.room(10);
    let rest = value;
    while (rest >= 0x80) {
      this.scratch[this.used++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.scratch[this.used++] = rest;
  }

  key(field: number, wire: number): this {
    this.rawVarint(field * 8 + wire);
    return this;
  }

  /** An unsigned or non-negative varint field; zero is left out, as proto3 does. */
  int(field: number, value: number): this {
    if (value === 0) return this;
    this.key(field, 0);
    this.rawVarint(value < 0 ? 2 ** 64 + value : value);
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.int(field, value ? 1 : 0);
  }

  fixed64(field: number, value: number): this {
    if (value === 0) return this;
    this.key(field, 1);
    this.room(8);
    this.scratch.writeUInt32LE(value % 4294967296, this.used);
    this.scratch.writeUInt32LE(Math.floor(value / 4294967296), this.used + 4);
    this.used += 8;
    return this;
  }

  fixed32(field: number, value: number): this {
    this.key(field, 5);
    this.room(4);
    this.scratch.writeUInt32LE(value >>> 0, this.used);
    this.used += 4;
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, 1);
    this.room(8);
    this.scratch.writeDoubleLE(value, this.used);
    this.used += 8;
    return this;
  }

  bytes(field: number, value: Buffer): this {
    this.key(field, 2);
    this.rawVarint(value.length);
    this.room(value.length);
    value.copy(this.scratch, this.used);
    this.used += value.length;
    return this;
  }

  string(field: number, value: string): this {
    if (value === "") return this;
    return this.bytes(field, Buffer.from(value, "utf8"));
  }

  /** A string field written even when empty (a oneof member). */
  stringAlways(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, "utf8"));
  }

  /** A nested message built by `build` on a fresh writer. */
  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat([...this.chunks, this.scratch.subarray(0, this.used)]);
  }
}
