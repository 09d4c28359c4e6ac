/**
 * The AWS sample events copied into ../fixtures/aws-events (SOURCES.md there names where each came
 * from), loaded and classified. aws-sam-cli files are mustache templates: their placeholders are
 * filled in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = fileURLToPath(new URL('../fixtures/aws-events/', import.meta.url));

export type FixtureKind =
  | 'apigw-v1'
  | 'apigw-v2'
  | 'function-url'
  | 'alb'
  | 'alb-multi'
  | 'lattice-v1'
  | 'lattice-v2'
  | 'result' // a sample result, not an event
  | 'authorizer' // an API Gateway authorizer event: not a request
  | 'cloudfront' // Lambda@Edge: not a proxy event
  | 'invalid'; // schema-invalid on purpose and missing what HTTP needs: 400

export interface Fixture {
  file: string;
  kind: FixtureKind;
  event: any;
}

/** Values for the aws-sam-cli placeholders. */
export const samValues: Record<string, string> = {
  account_id: '123456789012',
  dns_suffix: 'amazonaws.com',
  method: 'POST',
  path: 'items/42',
  resource: '/{proxy+}',
  stage: 'prod',
  uri: '/index.html',
  body: Buffer.from('hello from a SAM template').toString('base64'),
};

export function fillTemplate(text: string): string {
  return text.replace(/"\{\{\{querystringparameters\}\}\}"/g, '{"foo":"bar"}').replace(/\{\{\{(\w+)\}\}\}/g, (_, name: string) => {
    if (!(name in samValues)) throw new Error(`no value for SAM placeholder ${name}`);
    return samValues[name];
  });
}

export function classify(file: string, event: any): FixtureKind {
  if (/(^|\/)response\/|[-_]response\.json$/.test(file)) return 'result';
  if (file.endsWith('lambda/invalid.json')) return 'invalid';
  if (event.type === 'REQUEST' || event.type === 'TOKEN') return 'authorizer';
  if (Array.isArray(event.Records) && event.Records[0]?.cf) return 'cloudfront';
  if (event.requestContext?.elb) return event.multiValueHeaders ? 'alb-multi' : 'alb';
  if ('raw_path' in event) return 'lattice-v1';
  if (event.version === '2.0' && 'method' in event && !('rawPath' in event)) return 'lattice-v2';
  if (event.version === '2.0') return String(event.requestContext?.domainName).includes('.lambda-url.') ? 'function-url' : 'apigw-v2';
  if ('httpMethod' in event) return 'apigw-v1';
  throw new Error(`${file}: unknown fixture kind`);
}

export function loadFixtures(): Fixture[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.json')) files.push(join(dir, entry.name));
    }
  };
  walk(fixturesDir);
  return files.sort().map((path) => {
    const file = relative(fixturesDir, path);
    const text = readFileSync(path, 'utf8');
    const event = JSON.parse(file.startsWith('aws-sam-cli/') ? fillTemplate(text) : text);
    return { file, kind: classify(file, event), event };
  });
}
