// One cold start, in a fresh process:  node sample.mjs <bundle.mjs>
// Prints JSON: the import() time of the bundle, the time of the first event through its handler
// (wall clock, and the process's CPU time, user + system, over the same spans), and whether the
// answer was right.
import { pathToFileURL } from 'node:url';

const event = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: { accept: '*/*', host: 'dlm7xmplq3bc2ydhc4xqqp3rbu0ytckf.lambda-url.eu-west-1.on.aws', 'user-agent': 'adapt-bench/1', 'x-forwarded-proto': 'https' },
  requestContext: {
    accountId: 'anonymous',
    apiId: 'dlm7xmplq3bc2ydhc4xqqp3rbu0ytckf',
    domainName: 'dlm7xmplq3bc2ydhc4xqqp3rbu0ytckf.lambda-url.eu-west-1.on.aws',
    domainPrefix: 'dlm7xmplq3bc2ydhc4xqqp3rbu0ytckf',
    http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'adapt-bench/1' },
    requestId: 'a9a0e1a4-5c4e-4b7e-9d52-2f3c6d1e0b77',
    routeKey: '$default',
    stage: '$default',
    time: '01/Jan/2025:00:00:00 +0000',
    timeEpoch: 1735689600000,
  },
  isBase64Encoded: false,
};
const context = { awsRequestId: 'a9a0e1a4', functionName: 'bench', getRemainingTimeInMillis: () => 3000, callbackWaitsForEmptyEventLoop: true };

const cpuMs = (usage) => (usage.user + usage.system) / 1000;
const cpuStart = process.cpuUsage();
const start = performance.now();
const { handler } = await import(pathToFileURL(process.argv[2]).href);
const imported = performance.now();
const cpuImported = process.cpuUsage();
const result = await handler(event, context);
const answered = performance.now();
const cpuAnswered = process.cpuUsage();
const body = result?.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result?.body;
const ok = result?.statusCode === 200 && body === 'Hello';
process.stdout.write(
  `${JSON.stringify({ importMs: imported - start, firstEventMs: answered - imported, importCpuMs: cpuMs(cpuImported) - cpuMs(cpuStart), firstEventCpuMs: cpuMs(cpuAnswered) - cpuMs(cpuImported), ok, status: result?.statusCode, body: String(body).slice(0, 80) })}\n`,
);
