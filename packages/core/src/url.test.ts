import { describe, expect, it } from 'vitest';
import { buildRequestUrl, encodeUnsafe, queryFromDecodedParams, queryFromRawParams } from './url.js';
import { HttpError } from './errors.js';

describe('buildRequestUrl', () => {
  it.each([
    ['/a%2Fb', '', 'https://x.test/a%2Fb'],
    ['/a+b', 'q=a+b', 'https://x.test/a+b?q=a+b'],
    ['/p', 'path=a%2Fb&plus=a+b&sp=a%20b', 'https://x.test/p?path=a%2Fb&plus=a+b&sp=a%20b'],
    ['/p', 'tag=1&tag=2&tag=3', 'https://x.test/p?tag=1&tag=2&tag=3'],
    ['/p', 'empty=&flag', 'https://x.test/p?empty=&flag'],
    ['/caf%C3%A9', '', 'https://x.test/caf%C3%A9'],
    ['/café', 'q=☃', 'https://x.test/caf%C3%A9?q=%E2%98%83'],
    ['/a b', 'q=a b', 'https://x.test/a%20b?q=a%20b'],
    ['/100%', 'p=50%', 'https://x.test/100%25?p=50%25'],
    ['/a?b', 'c?d', 'https://x.test/a%3Fb?c?d'],
    ['/a#b', 'c#d', 'https://x.test/a%23b?c%23d'],
    ["/a;b=c:d@e!$&'()*,", '', "https://x.test/a;b=c:d@e!$&'()*,"],
  ])('path %j query %j', (path, query, expected) => {
    const url = buildRequestUrl({ protocol: 'https', host: 'x.test', path, query });
    expect(url).toBe(expected);
    // the WHATWG parser keeps it as built: no decoding, no second encoding
    expect(new URL(url).href).toBe(expected);
  });

  it('keeps a port and accepts "http:" with a colon', () => {
    expect(buildRequestUrl({ protocol: 'http:', host: 'localhost:8080', path: '/' })).toBe('http://localhost:8080/');
  });

  it.each([
    [{ protocol: 'ftp', host: 'x', path: '/' }, 'protocol'],
    [{ protocol: 'https', host: 'evil.test/x', path: '/' }, 'host'],
    [{ protocol: 'https', host: 'a@b', path: '/' }, 'host'],
    [{ protocol: 'https', host: '', path: '/' }, 'host'],
    [{ protocol: 'https', host: 'x', path: 'relative' }, 'path'],
    [{ protocol: 'https', host: 'x', path: '' }, 'path'],
  ])('refuses %j with a 400 naming the %s', (parts, what) => {
    expect(() => buildRequestUrl(parts)).toThrow(HttpError);
    expect(() => buildRequestUrl(parts)).toThrow(expect.objectContaining({ status: 400, code: 'BAD_URL', message: expect.stringContaining(what) }));
  });

  it('replaces a lone surrogate as the URL parser would', () => {
    expect(encodeUnsafe('/a\ud800b', false)).toBe('/a%EF%BF%BDb');
  });
});

describe('queryFromDecodedParams (API Gateway v1, Lattice v1)', () => {
  it('re-encodes decoded values so the app decodes them back', () => {
    const query = queryFromDecodedParams({ path: 'a/b', plus: 'a+b', space: 'a b', amp: 'x&y=z' });
    expect(query).toBe('path=a%2Fb&plus=a%2Bb&space=a%20b&amp=x%26y%3Dz');
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({ path: 'a/b', plus: 'a+b', space: 'a b', amp: 'x&y=z' });
  });

  it('prefers multi-value params and keeps repeats and empty values', () => {
    const query = queryFromDecodedParams({ tag: 'z', empty: '' }, { tag: ['x', 'y', 'z'], empty: [''] });
    expect(query).toBe('tag=x&tag=y&tag=z&empty=');
  });

  it('gives an empty string for no params', () => {
    expect(queryFromDecodedParams(null, null)).toBe('');
  });
});

describe('queryFromRawParams (ALB: still encoded)', () => {
  it('joins the values untouched', () => {
    expect(queryFromRawParams({ q: 'a%2Fb', p: 'a+b', e: '' })).toBe('q=a%2Fb&p=a+b&e=');
  });
  it('uses the multi-value form when present', () => {
    expect(queryFromRawParams({ t: '2' }, { t: ['1', '2'], s: ['%20'] })).toBe('t=1&t=2&s=%20');
  });
});
