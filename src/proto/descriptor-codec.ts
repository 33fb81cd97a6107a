// Protocol Buffers messages encoded and decoded from protobufjs's JSON descriptor, with no
// protobufjs and no generated code: what a one-shot command (quorumkv get) uses so that starting
// it costs little more than starting Node. Decoded objects are what protobufjs's
// toObject(CONVERSION_OPTIONS) gives (same keys in the same order: repeated fields, then the
// other fields with their defaults, then oneof members and the name of the member that is set;
// 64-bit integers as numbers, enums by name, bytes as Buffers), and encoded bytes are what
// protobufjs's encode(fromObject(value)) writes for proto3 (fields in field-number order, plain
// scalars and enums left out at their defaults, repeated scalars packed).
// test/unit/descriptor-codec.test.ts holds it to both. Numbers given for 64-bit fields must be
// integers: the CLI checks them before they get here.

/** The protobufjs JSON shape this reads (src/gen/kv-descriptor.ts). */
export interface DescriptorJson {
  nested?: Record<string, DescriptorJson>;
  fields?: Record<string, { type: string; id: number; rule?: string; options?: { packed?: boolean } }>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
  methods?: Record<string, { requestType: string; responseType: string; requestStream?: boolean; responseStream?: boolean }>;
}

export interface MethodInfo {
  /** The HTTP/2 path of the call: /package.Service/Method. */
  path: string;
  requestType: string;
  responseType: string;
  requestStream: boolean;
  responseStream: boolean;
}

const MAX_DEPTH = 100; // protobufjs's util.recursionLimit, and protoc's

type Scalar = 'double' | 'float' | 'int32' | 'uint32' | 'sint32' | 'fixed32' | 'sfixed32' | 'int64' | 'uint64' | 'sint64' | 'fixed64' | 'sfixed64' | 'bool' | 'string' | 'bytes';
const SCALARS = new Set<string>(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool', 'string', 'bytes']);
const WIRE_TYPE: Record<Scalar, number> = {
  double: 1, float: 5, int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5,
  int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2,
};

interface EnumType {
  kind: 'enum';
  byName: Map<string, number>;
  byNumber: Map<number, string>;
  /** The name of the first declared value: an unset enum field's default. */
  defaultName: string;
}

interface Field {
  name: string;
  id: number;
  repeated: boolean;
  /** The oneof this field belongs to. */
  oneof: string | undefined;
  scalar: Scalar | undefined;
  /** Resolved when first needed: message types may refer to each other. */
  typeName: string;
  scope: string;
}

interface MessageType {
  kind: 'message';
  name: string;
  /** By field number. */
  fields: Field[];
  byId: Map<number, Field>;
}

export class DescriptorCodec {
  private readonly json = new Map<string, DescriptorJson>();
  private readonly types = new Map<string, MessageType | EnumType>();

  constructor(descriptor: DescriptorJson) {
    const index = (node: DescriptorJson, path: string) => {
      for (const [name, child] of Object.entries(node.nested ?? {})) {
        const full = path ? `${path}.${name}` : name;
        this.json.set(full, child);
        index(child, full);
      }
    };
    index(descriptor, '');
  }

  /** A method of a service, by the service's full name (quorumkv.v1.KV) and the method's name (Range). */
  method(service: string, name: string): MethodInfo {
    const method = this.json.get(service)?.methods?.[name];
    if (!method) throw new Error(`no method ${service}/${name} in the descriptor`);
    return {
      path: `/${service}/${name}`,
      requestType: this.resolveName(method.requestType, service),
      responseType: this.resolveName(method.responseType, service),
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
    };
  }

  encode(typeName: string, value: object): Buffer {
    const writer = new Writer();
    this.writeMessage(this.message(typeName), value as Record<string, unknown>, writer, 0);
    return writer.finish();
  }

  decode<T = Record<string, unknown>>(typeName: string, bytes: Uint8Array): T {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const reader = new Reader(buffer);
    const decoded = this.readMessage(this.message(typeName), reader, buffer.length, 0);
    return decoded as T;
  }

  /** The full name a type reference means from `scope`, by protobuf's rules: innermost scope first. */
  private resolveName(reference: string, scope: string): string {
    if (reference.startsWith('.')) {
      if (this.json.has(reference.slice(1))) return reference.slice(1);
    } else {
      for (let outer = scope; ; outer = outer.slice(0, Math.max(0, outer.lastIndexOf('.')))) {
        const candidate = outer ? `${outer}.${reference}` : reference;
        if (this.json.has(candidate)) return candidate;
        if (!outer) break;
      }
    }
    throw new Error(`type ${reference} (from ${scope}) is not in the descriptor`);
  }

  private message(name: string): MessageType {
    const type = this.type(name);
    if (type.kind !== 'message') throw new Error(`${name} is an enum, not a message`);
    return type;
  }

  private type(name: string): MessageType | EnumType {
    const known = this.types.get(name);
    if (known) return known;
    const json = this.json.get(name);
    if (!json) throw new Error(`type ${name} is not in the descriptor`);
    let type: MessageType | EnumType;
    if (json.values) {
      const entries = Object.entries(json.values);
      const byNumber = new Map<number, string>();
      for (const [valueName, number] of entries) byNumber.set(number, valueName);
      const first = entries[0]?.[1] ?? 0;
      type = { kind: 'enum', byName: new Map(entries), byNumber, defaultName: byNumber.get(first) ?? '' };
    } else {
      const oneofOf = new Map<string, string>();
      for (const [oneofName, { oneof }] of Object.entries(json.oneofs ?? {})) for (const member of oneof) oneofOf.set(member, oneofName);
      const fields: Field[] = Object.entries(json.fields ?? {}).map(([fieldName, f]) => ({
        name: fieldName,
        id: f.id,
        repeated: f.rule === 'repeated',
        oneof: oneofOf.get(fieldName),
        scalar: SCALARS.has(f.type) ? (f.type as Scalar) : undefined,
        typeName: f.type,
        scope: name,
      }));
      fields.sort((a, b) => a.id - b.id);
      type = { kind: 'message', name, fields, byId: new Map(fields.map((f) => [f.id, f])) };
    }
    this.types.set(name, type);
    return type;
  }

  private fieldType(field: Field): MessageType | EnumType {
    return this.type(this.resolveName(field.typeName, field.scope));
  }

  // ---- encoding (protobufjs: encode(fromObject(value))) ----

  private writeMessage(type: MessageType, value: Record<string, unknown>, writer: Writer, depth: number): void {
    if (depth > MAX_DEPTH) throw new Error('max depth exceeded');
    for (const field of type.fields) {
      const given = value[field.name];
      if (given === undefined || given === null) continue;
      if (field.repeated) {
        if (!Array.isArray(given)) throw new TypeError(`.${type.name}.${field.name}: array expected`);
        if (given.length === 0) continue;
        if (field.scalar && field.scalar !== 'string' && field.scalar !== 'bytes') {
          // proto3 packs repeated scalars: one length-delimited run.
          writer.tag(field.id, 2);
          const run = new Writer();
          for (const item of given) this.writeScalar(field.scalar, item, run);
          writer.bytes(run.finish());
        } else for (const item of given) this.writeOne(type, field, item, writer, depth);
      } else this.writeOne(type, field, given, writer, depth);
    }
  }

  private writeOne(owner: MessageType, field: Field, value: unknown, writer: Writer, depth: number): void {
    if (value === null || value === undefined) return;
    // proto3: a plain scalar or enum field at its default is not written; a oneof member always is.
    const implicit = !field.repeated && !field.oneof;
    if (field.scalar) {
      if (implicit && isDefaultScalar(field.scalar, value)) return;
      writer.tag(field.id, WIRE_TYPE[field.scalar]);
      this.writeScalar(field.scalar, value, writer);
      return;
    }
    const type = this.fieldType(field);
    if (type.kind === 'enum') {
      // protobufjs leaves a field with an unknown enum name unset.
      const number = typeof value === 'number' ? value : type.byName.get(String(value));
      if (number === undefined || (implicit && number === type.byName.get(type.defaultName))) return;
      writer.tag(field.id, 0);
      writer.int32(number);
      return;
    }
    if (typeof value !== 'object') throw new TypeError(`.${owner.name}.${field.name}: object expected`);
    const nested = new Writer();
    this.writeMessage(type, value as Record<string, unknown>, nested, depth + 1);
    writer.tag(field.id, 2);
    writer.bytes(nested.finish());
  }

  private writeScalar(scalar: Scalar, value: unknown, writer: Writer): void {
    switch (scalar) {
      case 'string':
        return writer.bytes(Buffer.from(String(value), 'utf8'));
      case 'bytes':
        return writer.bytes(typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array));
      case 'bool':
        return writer.varint32(value ? 1 : 0);
      case 'int32':
        return writer.int32(Number(value) | 0);
      case 'uint32':
        return writer.varint32(Number(value) >>> 0);
      case 'sint32': {
        const n = Number(value) | 0;
        return writer.varint32(((n << 1) ^ (n >> 31)) >>> 0);
      }
      case 'fixed32':
        return writer.fixed32(Number(value) >>> 0);
      case 'sfixed32':
        return writer.fixed32(Number(value) | 0);
      case 'double':
        return writer.double(Number(value));
      case 'float':
        return writer.float(Number(value));
      default: {
        const [lo, hi] = longBits(value);
        if (scalar === 'sint64') {
          // zigzag: (n << 1) ^ (n >> 63) on the two halves
          const mask = hi >> 31;
          const zhi = (((hi << 1) | (lo >>> 31)) ^ mask) >>> 0;
          const zlo = ((lo << 1) ^ mask) >>> 0;
          return writer.varint64(zlo, zhi);
        }
        if (scalar === 'fixed64' || scalar === 'sfixed64') return writer.fixed64(lo, hi);
        return writer.varint64(lo, hi);
      }
    }
  }

  // ---- decoding (protobufjs: toObject(decode(bytes), CONVERSION_OPTIONS)) ----

  private readMessage(type: MessageType, reader: Reader, end: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw new Error('max depth exceeded');
    const seen = new Map<Field, unknown>();
    while (reader.pos < end) {
      const tag = reader.varint32();
      const field = type.byId.get(tag >>> 3);
      const wireType = tag & 7;
      if (!field) {
        reader.skip(wireType);
        continue;
      }
      if (field.repeated) {
        const list = (seen.get(field) as unknown[] | undefined) ?? [];
        seen.set(field, list);
        if (wireType === 2 && field.scalar && field.scalar !== 'string' && field.scalar !== 'bytes') {
          const runEnd = reader.lengthEnd();
          while (reader.pos < runEnd) list.push(this.readValue(field, reader, depth));
        } else list.push(this.readValue(field, reader, depth));
      } else {
        // The last member of a oneof on the wire is the one that is set.
        if (field.oneof) for (const other of type.fields) if (other.oneof === field.oneof) seen.delete(other);
        seen.set(field, this.readValue(field, reader, depth));
      }
    }
    if (reader.pos !== end) throw new Error(`${type.name}: a field runs past the end of its message`);
    return this.toObject(type, seen);
  }

  private readValue(field: Field, reader: Reader, depth: number): unknown {
    if (field.scalar) return reader.scalar(field.scalar);
    const type = this.fieldType(field);
    if (type.kind === 'enum') {
      const number = reader.varint32() | 0;
      return type.byNumber.get(number) ?? number;
    }
    return this.readMessage(type, reader, reader.lengthEnd(), depth + 1);
  }

  private toObject(type: MessageType, seen: Map<Field, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of type.fields) if (field.repeated) out[field.name] = [];
    for (const field of type.fields) if (!field.repeated && !field.oneof) out[field.name] = this.defaultOf(field);
    for (const field of type.fields) {
      if (!seen.has(field)) continue;
      const value = seen.get(field);
      if (field.repeated) {
        if ((value as unknown[]).length > 0) out[field.name] = value;
        continue;
      }
      out[field.name] = value;
      if (field.oneof) out[field.oneof] = field.name;
    }
    return out;
  }

  private defaultOf(field: Field): unknown {
    if (field.scalar === 'string') return '';
    if (field.scalar === 'bytes') return Buffer.alloc(0);
    if (field.scalar === 'bool') return false;
    if (field.scalar) return 0;
    const type = this.fieldType(field);
    return type.kind === 'enum' ? type.defaultName : null;
  }
}

/** Whether a value converts to its type's default, which proto3 leaves off the wire. */
function isDefaultScalar(scalar: Scalar, value: unknown): boolean {
  switch (scalar) {
    case 'string':
      return String(value) === '';
    case 'bytes':
      return (value as { length: number }).length === 0;
    case 'bool':
      return !value;
    case 'double':
    case 'float':
      return Object.is(Number(value), 0);
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return (Number(value) | 0) === 0;
    case 'uint32':
    case 'fixed32':
      return Number(value) >>> 0 === 0;
    default: {
      const [lo, hi] = longBits(value);
      return lo === 0 && hi === 0;
    }
  }
}

/** A number (or a decimal string) as the two 32-bit halves of its 64-bit two's complement. */
function longBits(value: unknown): [number, number] {
  if (typeof value === 'string') {
    const big = BigInt.asUintN(64, BigInt(value));
    return [Number(big & 0xffffffffn), Number(big >> 32n)];
  }
  if (typeof value === 'bigint') {
    const big = BigInt.asUintN(64, value);
    return [Number(big & 0xffffffffn), Number(big >> 32n)];
  }
  let n = Number(value);
  if (!Number.isFinite(n) || n === 0) return [0, 0];
  const negative = n < 0;
  if (negative) n = -n;
  let lo = n >>> 0;
  let hi = ((n - lo) / 4294967296) >>> 0;
  if (negative) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
    if (++lo > 0xffffffff) {
      lo = 0;
      if (++hi > 0xffffffff) hi = 0;
    }
  }
  return [lo, hi];
}

/** Two 32-bit halves as a number, as protobufjs's LongBits.toNumber. */
function longNumber(lo: number, hi: number, unsigned: boolean): number {
  if (!unsigned && hi >>> 31) {
    let nlo = (~lo + 1) >>> 0;
    let nhi = ~hi >>> 0;
    if (!nlo) nhi = (nhi + 1) >>> 0;
    return -(nlo + nhi * 4294967296);
  }
  return (lo >>> 0) + (hi >>> 0) * 4294967296;
}

class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(10);

  tag(id: number, wireType: number): void {
    this.varint32(((id << 3) | wireType) >>> 0);
  }

  varint32(value: number): void {
    let v = value >>> 0;
    let i = 0;
    while (v > 127) {
      this.scratch[i++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.scratch[i++] = v;
    this.push(i);
  }

  /** A signed 32-bit integer: negative ones take ten bytes, sign-extended to 64 bits. */
  int32(value: number): void {
    if (value < 0) this.varint64(value >>> 0, 0xffffffff);
    else this.varint32(value);
  }

  varint64(lo: number, hi: number): void {
    let i = 0;
    while (hi) {
      this.scratch[i++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      this.scratch[i++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    this.scratch[i++] = lo;
    this.push(i);
  }

  fixed32(value: number): void {
    this.scratch.writeUInt32LE(value >>> 0, 0);
    this.push(4);
  }

  fixed64(lo: number, hi: number): void {
    this.scratch.writeUInt32LE(lo >>> 0, 0);
    this.scratch.writeUInt32LE(hi >>> 0, 4);
    this.push(8);
  }

  double(value: number): void {
    this.scratch.writeDoubleLE(value, 0);
    this.push(8);
  }

  float(value: number): void {
    this.scratch.writeFloatLE(value, 0);
    this.push(4);
  }

  /** A length and the bytes. */
  bytes(value: Buffer): void {
    this.varint32(value.length);
    if (value.length > 0) this.chunks.push(value);
  }

  finish(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
  }

  private push(length: number): void {
    this.chunks.push(Buffer.from(this.scratch.subarray(0, length)));
  }
}

class Reader {
  pos = 0;

  constructor(private readonly buffer: Buffer) {}

  varint32(): number {
    const [lo] = this.varint64();
    return lo;
  }

  varint64(): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const byte = this.byte();
      const bits = byte & 127;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 128) return [lo >>> 0, hi >>> 0];
    }
    throw new Error('a varint is longer than ten bytes');
  }

  /** Reads a length and returns where the bytes it announces end. */
  lengthEnd(): number {
    const length = this.varint32();
    const end = this.pos + length;
    if (end > this.buffer.length) throw new Error(`a field announces ${length} bytes, ${this.buffer.length - this.pos} are left`);
    return end;
  }

  scalar(scalar: Scalar): unknown {
    switch (scalar) {
      case 'string': {
        const end = this.lengthEnd();
        const text = this.buffer.toString('utf8', this.pos, end);
        this.pos = end;
        return text;
      }
      case 'bytes': {
        const end = this.lengthEnd();
        const bytes = this.buffer.subarray(this.pos, end);
        this.pos = end;
        return bytes;
      }
      case 'bool':
        return this.varint32() !== 0;
      case 'int32':
        return this.varint32() | 0;
      case 'uint32':
        return this.varint32() >>> 0;
      case 'sint32': {
        const v = this.varint32();
        return ((v >>> 1) ^ -(v & 1)) | 0;
      }
      case 'fixed32':
        return this.fixed(4).readUInt32LE(0);
      case 'sfixed32':
        return this.fixed(4).readInt32LE(0);
      case 'double':
        return this.fixed(8).readDoubleLE(0);
      case 'float':
        return this.fixed(4).readFloatLE(0);
      default: {
        let lo: number;
        let hi: number;
        if (scalar === 'fixed64' || scalar === 'sfixed64') {
          const bytes = this.fixed(8);
          lo = bytes.readUInt32LE(0);
          hi = bytes.readUInt32LE(4);
        } else [lo, hi] = this.varint64();
        if (scalar === 'sint64') {
          // zigzag decode on the two halves
          const mask = -(lo & 1);
          lo = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
          hi = ((hi >>> 1) ^ mask) >>> 0;
        }
        return longNumber(lo, hi, scalar === 'uint64' || scalar === 'fixed64');
      }
    }
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint64();
    else if (wireType === 1) this.fixed(8);
    else if (wireType === 2) this.pos = this.lengthEnd();
    else if (wireType === 5) this.fixed(4);
    else throw new Error(`wire type ${wireType} is not one a proto3 message uses`);
  }

  private byte(): number {
    if (this.pos >= this.buffer.length) throw new Error('the message ends inside a field');
    return this.buffer[this.pos++];
  }

  private fixed(length: number): Buffer {
    if (this.pos + length > this.buffer.length) throw new Error('the message ends inside a field');
    const bytes = this.buffer.subarray(this.pos, this.pos + length);
    this.pos += length;
    return bytes;
  }
}
