import { describe, expect, it } from 'vitest';
import {
  FCGI_END_REQUEST,
  FCGI_STDOUT,
  MAX_CONTENT,
  ProtocolError,
  RecordReader,
  decodeBeginRequest,
  decodePairs,
  encodeBeginRequest,
  encodePairs,
  encodeRecord,
  endRequestRecord,
  streamSize,
  unknownTypeRecord,
  writeStream,
} from './records.js';

const pairsOf = (content: Buffer) => {
  const pairs: Array<[string, string]> = [];
  decodePairs(content, (name, value) => pairs.push([name, value]));
  return pairs;
};

describe('record codec', () => {
  it('writes the 8-byte header and pads content to a multiple of 8', () => {
    const record = encodeRecord(FCGI_STDOUT, 0x1234, Buffer.from('hello'));
    expect([...record.subarray(0, 8)]).toEqual([1, FCGI_STDOUT, 0x12, 0x34, 0, 5, 3, 0]);
    expect(record.length).toBe(16);
    expect(record.subarray(8, 13).toString()).toBe('hello');
  });

  it('refuses content over 65535 bytes in one record', () => {
    expect(() => encodeRecord(FCGI_STDOUT, 1, new Uint8Array(MAX_CONTENT + 1))).toThrow(/at most 65535/);
  });

  it('cuts stream content into records of at most 65535 bytes', () => {
    const content = Buffer.alloc(MAX_CONTENT * 2 + 10, 7);
    const out = Buffer.alloc(streamSize(content.length));
    expect(writeStream(out, 0, FCGI_STDOUT, 3, content)).toBe(out.length);
    const records = new RecordReader().push(out);
    expect(records.map((r) => r.content.length)).toEqual([MAX_CONTENT, MAX_CONTENT, 10]);
    expect(Buffer.concat(records.map((r) => r.content)).equals(content)).toBe(true);
  });

  it('reads records split at every byte boundary, padding skipped', () => {
    const bytes = Buffer.concat([encodeRecord(FCGI_STDOUT, 1, Buffer.from('abc')), endRequestRecord(1, 7, 0), encodeRecord(FCGI_STDOUT, 2)]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const reader = new RecordReader();
      const records = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(records.map((r) => [r.type, r.requestId, r.content.toString('hex')])).toEqual([
        [FCGI_STDOUT, 1, Buffer.from('abc').toString('hex')],
        [FCGI_END_REQUEST, 1, '0000000700000000'],
        [FCGI_STDOUT, 2, ''],
      ]);
      expect(reader.pendingBytes).toBe(0);
    }
  });

  it('keeps a cut record pending', () => {
    const reader = new RecordReader();
    expect(reader.push(encodeRecord(FCGI_STDOUT, 1, Buffer.from('abcdef')).subarray(0, 10))).toEqual([]);
    expect(reader.pendingBytes).toBe(10);
  });

  it('refuses a record of another version', () => {
    expect(() => new RecordReader().push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(ProtocolError);
  });

  it('encodes and decodes BEGIN_REQUEST and UNKNOWN_TYPE bodies', () => {
    expect(decodeBeginRequest(encodeBeginRequest(1, 1))).toEqual({ role: 1, flags: 1 });
    expect(() => decodeBeginRequest(Buffer.alloc(3))).toThrow(/8/);
    const unknown = new RecordReader().push(unknownTypeRecord(42))[0];
    expect([unknown.type, unknown.requestId, unknown.content[0]]).toEqual([11, 0, 42]);
  });

  it.each([
    ['short name and value', 'A', 'b'],
    ['127-byte value (1-byte length)', 'N', 'x'.repeat(127)],
    ['128-byte value (4-byte length)', 'N', 'y'.repeat(128)],
    ['long name', 'H'.repeat(300), ''],
    ['raw UTF-8 bytes kept', 'REQUEST_URI', Buffer.from('/caf\u00e9', 'utf8').toString('latin1')],
  ])('name-value pairs: %s', (_label, name, value) => {
    const encoded = encodePairs([
      [name, value],
      ['B', 'c'],
    ]);
    expect(pairsOf(encoded)).toEqual([
      [name, value],
      ['B', 'c'],
    ]);
    const lengthBytes = (n: number) => (n < 128 ? 1 : 4);
    expect(encoded.length).toBe(lengthBytes(name.length) + lengthBytes(value.length) + name.length + value.length + 4);
  });

  it('refuses pairs that overrun their block', () => {
    expect(() => pairsOf(Buffer.from([5, 1, 65]))).toThrow(ProtocolError);
    expect(() => pairsOf(Buffer.from([0x80, 0]))).toThrow(ProtocolError);
  });
});
