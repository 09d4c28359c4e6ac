/**
 * The FastCGI 1.0 record codec: the 8-byte header, the bodies of BEGIN_REQUEST, END_REQUEST and
 * UNKNOWN_TYPE, and name-value pairs (lengths of 1 byte below 128, else 4 bytes with the top bit
 * set). A record carries at most 65535 bytes of content, then 0 to 255 bytes of padding.
 */

export const FCGI_VERSION_1 = 1;
export const FCGI_BEGIN_REQUEST = 1;
export const FCGI_ABORT_REQUEST = 2;
export const FCGI_END_REQUEST = 3;
export const FCGI_PARAMS = 4;
export const FCGI_STDIN = 5;
export const FCGI_STDOUT = 6;
export const FCGI_STDERR = 7;
export const FCGI_DATA = 8;
export const FCGI_GET_VALUES = 9;
export const FCGI_GET_VALUES_RESULT = 10;
export const FCGI_UNKNOWN_TYPE = 11;

/** BEGIN_REQUEST flags: keep the connection open after END_REQUEST. */
export const FCGI_KEEP_CONN = 1;

export const FCGI_RESPONDER = 1;
export const FCGI_AUTHORIZER = 2;
export const FCGI_FILTER = 3;

/** END_REQUEST protocolStatus values. */
export const FCGI_REQUEST_COMPLETE = 0;
export const FCGI_CANT_MPX_CONN = 1;
export const FCGI_OVERLOADED = 2;
export const FCGI_UNKNOWN_ROLE = 3;

export const HEADER_SIZE = 8;
/** The most content one record can carry. */
export const MAX_CONTENT = 65535;

export interface FcgiRecord {
  type: number;
  requestId: number;
  /** The content, without padding (a view into the bytes received). */
  content: Buffer;
}

export class ProtocolError extends Error {
  override name = 'FastcgiProtocolError';
}

/**
 * Cuts a byte stream into records. `push(chunk)` returns the whole records it completes; a
 * partial record waits for the next chunk. A record whose version is not 1 is a ProtocolError.
 */
export class RecordReader {
  #pending: Buffer | undefined;

  push(chunk: Buffer): FcgiRecord[] {
    const data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    const records: FcgiRecord[] = [];
    let offset = 0;
    while (data.length - offset >= HEADER_SIZE) {
      const version = data[offset];
      if (version !== FCGI_VERSION_1) throw new ProtocolError(`record with version ${version} (only FastCGI version 1 exists): not a FastCGI client, or a stream out of step`);
      const contentLength = data.readUInt16BE(offset + 4);
      const total = HEADER_SIZE + contentLength + data[offset + 6];
      if (data.length - offset < total) break;
      records.push({
        type: data[offset + 1],
        requestId: data.readUInt16BE(offset + 2),
        content: data.subarray(offset + HEADER_SIZE, offset + HEADER_SIZE + contentLength),
      });
      offset += total;
    }
    if (offset < data.length) this.#pending = Buffer.from(data.subarray(offset)); // a copy: the rest of the chunk can be freed
    return records;
  }

  /** Bytes of a record not yet complete. */
  get pendingBytes(): number {
    return this.#pending?.length ?? 0;
  }
}

/** Writes a record header into `target` at `offset`. */
export function writeHeader(target: Buffer, offset: number, type: number, requestId: number, contentLength: number, paddingLength = 0): void {
  target[offset] = FCGI_VERSION_1;
  target[offset + 1] = type;
  target.writeUInt16BE(requestId, offset + 2);
  target.writeUInt16BE(contentLength, offset + 4);
  target[offset + 6] = paddingLength;
  target[offset + 7] = 0;
}

/** One record (content up to 65535 bytes), padded to a multiple of 8 as the specification recommends. */
export function encodeRecord(type: number, requestId: number, content: Uint8Array = new Uint8Array(0)): Buffer {
  if (content.byteLength > MAX_CONTENT) throw new RangeError(`a FastCGI record carries at most ${MAX_CONTENT} bytes, not ${content.byteLength}`);
  const padding = (8 - (content.byteLength % 8)) % 8;
  const record = Buffer.alloc(HEADER_SIZE + content.byteLength + padding);
  writeHeader(record, 0, type, requestId, content.byteLength, padding);
  record.set(content, HEADER_SIZE);
  return record;
}

/** The size of `length` bytes of stream content cut into records (header per 65535 bytes, no padding). */
export function streamSize(length: number): number {
  return length + HEADER_SIZE * Math.ceil(length / MAX_CONTENT);
}

/**
 * Writes `content` as stream records of `type` into `target` at `offset` (no padding: a record
 * may end anywhere); returns the offset after them. Nothing is written for empty content.
 */
export function writeStream(target: Buffer, offset: number, type: number, requestId: number, content: Uint8Array): number {
  for (let start = 0; start < content.byteLength; start += MAX_CONTENT) {
    const end = Math.min(content.byteLength, start + MAX_CONTENT);
    writeHeader(target, offset, type, requestId, end - start);
    target.set(content.subarray(start, end), offset + HEADER_SIZE);
    offset += HEADER_SIZE + end - start;
  }
  return offset;
}

export const END_REQUEST_SIZE = HEADER_SIZE + 8;

/** Writes an END_REQUEST record (16 bytes) into `target` at `offset`. */
export function writeEndRequest(target: Buffer, offset: number, requestId: number, appStatus: number, protocolStatus: number): number {
  writeHeader(target, offset, FCGI_END_REQUEST, requestId, 8);
  target.writeUInt32BE(appStatus >>> 0, offset + 8);
  target[offset + 12] = protocolStatus;
  target.fill(0, offset + 13, offset + 16);
  return offset + END_REQUEST_SIZE;
}

export function endRequestRecord(requestId: number, appStatus: number, protocolStatus: number): Buffer {
  const record = Buffer.alloc(END_REQUEST_SIZE);
  writeEndRequest(record, 0, requestId, appStatus, protocolStatus);
  return record;
}

export function unknownTypeRecord(type: number): Buffer {
  const body = Buffer.alloc(8);
  body[0] = type;
  return encodeRecord(FCGI_UNKNOWN_TYPE, 0, body);
}

export interface BeginRequest {
  role: number;
  flags: number;
}

export function decodeBeginRequest(content: Buffer): BeginRequest {
  if (content.length !== 8) throw new ProtocolError(`BEGIN_REQUEST body of ${content.length} bytes (it has 8)`);
  return { role: content.readUInt16BE(0), flags: content[2] };
}

export function encodeBeginRequest(role: number, flags: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16BE(role, 0);
  body[2] = flags;
  return body;
}

/**
 * Name-value pairs, names and values as latin1 strings (one char per byte: the bytes are kept
 * exactly; REQUEST_URI's raw UTF-8 stays raw). Calls `pair(name, value)` for each, in order.
 */
export function decodePairs(content: Buffer, pair: (name: string, value: string) => void): void {
  let offset = 0;
  const length = (): number => {
    if (offset >= content.length) throw new ProtocolError('name-value pair cut short');
    const first = content[offset];
    if (first < 0x80) {
      offset += 1;
      return first;
    }
    if (offset + 4 > content.length) throw new ProtocolError('name-value pair length cut short');
    const value = content.readUInt32BE(offset) & 0x7fffffff;
    offset += 4;
    return value;
  };
  while (offset < content.length) {
    const nameLength = length();
    const valueLength = length();
    if (offset + nameLength + valueLength > content.length)
      throw new ProtocolError(`name-value pair of ${nameLength}+${valueLength} bytes overruns its ${content.length}-byte block`);
    const name = content.toString('latin1', offset, offset + nameLength);
    offset += nameLength;
    pair(name, content.toString('latin1', offset, offset + valueLength));
    offset += valueLength;
  }
}

/** Encodes name-value pairs (latin1 strings: one byte per char). */
export function encodePairs(pairs: Iterable<readonly [string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of pairs) {
    const n = Buffer.from(name, 'latin1');
    const v = Buffer.from(value, 'latin1');
    parts.push(encodeLength(n.length), encodeLength(v.length), n, v);
  }
  return Buffer.concat(parts);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE((length | 0x80000000) >>> 0, 0);
  return bytes;
}
