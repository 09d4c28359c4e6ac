/**
 * Every AWS sample event in the shared fixtures goes through the handler. HTTP events get a
 * result in their source's documented shape (compared with the sample results AWS publishes)
 * and the app sees the request the event describes; the rest are named and refused cleanly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toLambdaHandler, UnsupportedEventError } from '@adapt/lambda';
import { loadFixtures, type Fixture } from './helpers/fixtures.js';
import { lambdaContext, resultToResponse } from './helpers/sources.js';

const fixtures = loadFixtures();
const byKind = (...kinds: Fixture['kind'][]) => fixtures.filter((f) => kinds.includes(f.kind));

/** Echoes what it saw, and sets two cookies (one with a comma in Expires). */
const seen: Array<{ method: string; url: string; body: Uint8Array; remoteAddress: string | undefined }> = [];
const handler = toLambdaHandler(async (request, context) => {
  seen.push({ method: request.method, url: request.url, body: new Uint8Array(await request.arrayBuffer()), remoteAddress: context.remoteAddress });
  const headers = new Headers({ 'content-type': 'application/json', 'x-app': 'fixtures' });
  headers.append('set-cookie', 'a=1; Path=/');
  headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
  return new Response(JSON.stringify({ url: request.url }), { headers });
});

/** Keys of the sample results AWS publishes, per source. */
const documentedKeys: Record<string, string[]> = {
  'apigw-v1': ['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded'],
  'apigw-v2': ['statusCode', 'headers', 'cookies', 'body', 'isBase64Encoded'],
  'function-url': ['statusCode', 'headers', 'cookies', 'body', 'isBase64Encoded'],
  alb: ['statusCode', 'statusDescription', 'headers', 'body', 'isBase64Encoded'],
  'alb-multi': ['statusCode', 'statusDescription', 'multiValueHeaders', 'body', 'isBase64Encoded'],
  'lattice-v1': ['statusCode', 'statusDescription', 'headers', 'body', 'isBase64Encoded'],
  'lattice-v2': ['statusCode', 'statusDescription', 'headers', 'body', 'isBase64Encoded'],
};

/**
 * Samples that a real source would never send, refused with a 400 that names the problem:
 * documentation placeholders in the Host header, and bodies flagged base64 that are not base64.
 */
function refusedSamples(fixture: Fixture): { why: string; body: RegExp } | undefined {
  const host = fixture.event.headers?.host ?? fixture.event.headers?.Host ?? fixture.event.requestContext?.domainName;
  if (typeof host === 'string' && host.includes('<')) return { why: 'placeholder Host <url-id>', body: /host "<url-id>.* is not a valid host/ };
  const base64 = fixture.event.isBase64Encoded ?? fixture.event.is_base64_encoded;
  if (base64 === true && typeof fixture.event.body === 'string' && !/^[A-Za-z0-9+/=\s]*$/.test(fixture.event.body)) {
    return { why: 'body flagged base64 is not base64', body: /flagged as base64 but is not valid base64/ };
  }
  return undefined;
}

afterEach(() => {
  vi.restoreAllMocks();
  seen.length = 0;
});

describe('AWS sample events', () => {
  it('are all classified (87 files: events, results, negatives)', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(80);
    expect(byKind('apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2').length).toBeGreaterThanOrEqual(50);
  });

  it('sample results agree with the keys this adapter writes', () => {
    const samples = byKind('result');
    expect(samples.length).toBeGreaterThanOrEqual(6);
    for (const { file, event } of samples) {
      const kind = file.includes('alb') ? 'alb-multi' : /v2|urls/.test(file) ? 'function-url' : 'apigw-v1';
      const allowed = new Set([...documentedKeys[kind], 'headers', 'multiValueHeaders', 'statusDescription']);
      for (const key of Object.keys(event)) expect(allowed, `${file}: ${key}`).toContain(key);
    }
  });

  for (const fixture of byKind('apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2')) {
    const refusal = refusedSamples(fixture);
    it(`${fixture.file} (${fixture.kind}) ${refusal ? `is a 400 (${refusal.why})` : 'answers 200'} in its source's shape`, async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const result = await handler(structuredClone(fixture.event), lambdaContext());
      for (const key of Object.keys(result)) expect(documentedKeys[fixture.kind], `result key ${key}`).toContain(key);
      const response = resultToResponse(fixture.kind as any, result);
      if (refusal) {
        expect(response.status).toBe(400);
        expect(Buffer.from(response.body).toString()).toMatch(refusal.body);
        expect(log).toHaveBeenCalledTimes(1);
        expect(seen).toHaveLength(0);
        return;
      }
      expect(log).not.toHaveBeenCalled();
      expect(response.status, JSON.stringify(result).slice(0, 300)).toBe(200);
      expect(response.headers.get('x-app')).toBe('fixtures');
      const cookies = response.headers.getSetCookie();
      if (fixture.kind === 'alb' || fixture.kind.startsWith('lattice')) {
        expect(cookies).toEqual(['a=1; Path=/']); // one fits, the first; never joined
      } else {
        expect(cookies).toEqual(['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT']);
      }
      expect(seen).toHaveLength(1);
      const request = seen[0];
      const event = fixture.event;
      const method = event.httpMethod ?? event.requestContext?.http?.method ?? event.method;
      expect(request.method).toBe(method);
      const url = new URL(request.url);
      const path = event.rawPath ?? event.raw_path ?? event.path;
      const stage = fixture.kind === 'apigw-v2' ? event.requestContext?.stage : undefined;
      const expectedPath = stage && stage !== '$default' && path.startsWith(`/${stage}/`) ? path.slice(stage.length + 1) : path;
      expect(decodeURIComponent(url.pathname)).toBe(decodeURIComponent(expectedPath.split('?')[0]));
      if (typeof event.rawQueryString === 'string') expect(url.search.slice(1)).toBe(event.rawQueryString);
      const rawBody = event.body ?? '';
      const base64 = event.isBase64Encoded ?? event.is_base64_encoded;
      const expectedBody = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(rawBody, base64 ? 'base64' : 'utf8');
      expect(Buffer.from(request.body).equals(expectedBody)).toBe(true);
    });
  }

  it.each(byKind('authorizer', 'cloudfront').map((f) => [f.file, f] as const))('%s is refused with an error naming it', async (_, fixture) => {
    const error = await handler(structuredClone(fixture.event), lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedEventError);
    expect((error as Error).message).toMatch(fixture.kind === 'cloudfront' ? /CloudFront/ : /authorizer event/);
    expect((error as Error).message).toMatch(/events: \(event, context\)/);
    expect(seen).toHaveLength(0);
  });

  it('lambda/invalid.json (no rawPath) gets a 400 in the Function URL shape and one log line', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const [fixture] = byKind('invalid');
    const result = await handler(structuredClone(fixture.event), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatch(/rawPath/);
    expect(Object.keys(result).sort()).toEqual(['body', 'headers', 'isBase64Encoded', 'statusCode']);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0][0])).toMatch(/^adapt: lambda function-url bad event: 400 BAD_REQUEST/);
    expect(seen).toHaveLength(0);
  });

  it('the Powertools "invalid" REST and HTTP samples lack only fields HTTP does not need, so they are served', async () => {
    for (const file of ['powertools-lambda-typescript/apigw-rest/invalid.json', 'powertools-lambda-typescript/apigw-http/invalid.json']) {
      const fixture = fixtures.find((f) => f.file === file)!;
      expect(fixture.event.requestContext.stage).toBeUndefined(); // what makes them schema-invalid
      const result = await handler(structuredClone(fixture.event), lambdaContext());
      expect(result.statusCode).toBe(200);
    }
  });
});
