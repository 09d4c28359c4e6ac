/** Compares a delivered response with a case's expectation; returns the differences, none when equal. */
import type { ConformanceCase } from './cases.js';
import type { CaseResponse } from './runner.js';
import { bytesOf } from './runner.js';

export function checkResponse(testCase: ConformanceCase, response: CaseResponse): string[] {
  const { expect } = testCase;
  const problems: string[] = [];
  if (response.status !== expect.status) problems.push(`status: expected ${expect.status}, got ${response.status}`);
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    const actual = response.headers.get(name);
    if (actual !== value) problems.push(`header ${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(actual)}`);
  }
  if (expect.cookies) {
    const actual = response.headers.getSetCookie();
    if (JSON.stringify(actual) !== JSON.stringify(expect.cookies)) {
      problems.push(`set-cookie: expected ${JSON.stringify(expect.cookies)}, got ${JSON.stringify(actual)}`);
    }
  }
  if (expect.json !== undefined) {
    const textBody = new TextDecoder().decode(response.body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(textBody);
    } catch {
      problems.push(`body: expected JSON, got ${JSON.stringify(textBody.slice(0, 200))}`);
    }
    if (parsed !== undefined && !deepEqual(parsed, expect.json)) {
      problems.push(`json: expected ${JSON.stringify(expect.json)}, got ${JSON.stringify(parsed)}`);
    }
  } else if (expect.body !== undefined) {
    const expected = bytesOf(expect.body);
    if (!Buffer.from(expected).equals(Buffer.from(response.body))) {
      problems.push(`body: expected ${describeBytes(expected)}, got ${describeBytes(response.body)}`);
    }
  }
  return problems;
}

function describeBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes);
  const printable = buffer.every((b) => b === 10 || (b >= 32 && b < 127));
  const preview = printable ? JSON.stringify(buffer.toString('latin1').slice(0, 120)) : buffer.subarray(0, 24).toString('hex');
  return `${bytes.byteLength} bytes ${preview}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
