/**
 * A tiny HTTP proxy in front of moto that names each AWS call it forwards and can refuse a call or
 * rewrite an answer, to put back what moto leaves out of real Lambda: Pending/InProgress windows,
 * update conflicts, a new role not yet assumable, a refused publish. The SDK under test still
 * speaks real HTTP to it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  /** The AWS operation: `UpdateFunctionCode`, `iam:CreateRole`... */
  name: string;
  method: string;
  path: string;
  status: number;
  /** The JSON request body (Lambda calls), without ZipFile. */
  request?: Record<string, unknown>;
}

export interface Fault {
  /** The operation to act on. */
  call: string;
  /** Only once a call of this name went through (a window after UpdateFunctionCode...). */
  after?: string;
  /** How many times (default 1); Infinity until removed. */
  times?: number;
  /** Answer with this AWS error instead of forwarding. */
  error?: { status: number; type: string; message: string };
  /** Forward, then change the JSON answer. */
  rewrite?: (body: Record<string, unknown>) => Record<string, unknown>;
}

export interface FaultProxy {
  endpoint: string;
  calls: ProxiedCall[];
  /** Names of the calls so far, in order. */
  names(): string[];
  inject(fault: Fault): void;
  clear(): void;
  close(): Promise<void>;
}

const lambdaRoutes: [string, RegExp, string][] = [
  ['POST', /^\/2015-03-31\/functions\/?$/, 'CreateFunction'],
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/?$/, 'GetFunction'],
  ['DELETE', /^\/2015-03-31\/functions\/[^/]+\/?$/, 'DeleteFunction'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'GetFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'UpdateFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/code$/, 'UpdateFunctionCode'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/versions$/, 'PublishVersion'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/versions$/, 'ListVersionsByFunction'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/aliases$/, 'CreateAlias'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/aliases$/, 'ListAliases'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/aliases\/[^/]+$/, 'GetAlias'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/aliases\/[^/]+$/, 'UpdateAlias'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/invocations$/, 'Invoke'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/policy$/, 'GetPolicy'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/policy$/, 'AddPermission'],
  ['DELETE', /^\/2015-03-31\/functions\/[^/]+\/policy\/[^/]+$/, 'RemovePermission'],
  ['POST', /^\/2021-10-31\/functions\/[^/]+\/url$/, 'CreateFunctionUrlConfig'],
  ['GET', /^\/2021-10-31\/functions\/[^/]+\/url$/, 'GetFunctionUrlConfig'],
  ['PUT', /^\/2021-10-31\/functions\/[^/]+\/url$/, 'UpdateFunctionUrlConfig'],
  ['DELETE', /^\/2021-10-31\/functions\/[^/]+\/url$/, 'DeleteFunctionUrlConfig'],
  ['GET', /^\/schedule-groups\/[^/]+$/, 'GetScheduleGroup'],
  ['POST', /^\/schedule-groups\/[^/]+$/, 'CreateScheduleGroup'],
  ['DELETE', /^\/schedule-groups\/[^/]+$/, 'DeleteScheduleGroup'],
  ['GET', /^\/schedules\/?$/, 'ListSchedules'],
  ['GET', /^\/schedules\/[^/]+$/, 'GetSchedule'],
  ['POST', /^\/schedules\/[^/]+$/, 'CreateSchedule'],
  ['PUT', /^\/schedules\/[^/]+$/, 'UpdateSchedule'],
  ['DELETE', /^\/schedules\/[^/]+$/, 'DeleteSchedule'],
];

/** The AWS operation of a request: Lambda and Scheduler by REST route, IAM by its Action or X-Amz-Target. */
export function callName(method: string, path: string, headers: IncomingMessage['headers'], body: Buffer): string {
  for (const [routeMethod, pattern, name] of lambdaRoutes) if (routeMethod === method && pattern.test(path)) return name;
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return `iam:${target.split('.').pop()}`;
  const action = new URLSearchParams(body.toString('utf8')).get('Action');
  if (action) return `iam:${action}`;
  return `${method} ${path}`;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const faults: (Fault & { left: number })[] = [];
  const calls: ProxiedCall[] = [];
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const name = callName(req.method ?? 'GET', url.pathname, req.headers, body);
      let request: Record<string, unknown> | undefined;
      if (body.length > 0 && !name.startsWith('iam:')) {
        try {
          const { ZipFile: _zip, ...rest } = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          request = rest;
        } catch {
          request = undefined;
        }
      }
      const fault = faults.find((f) => f.call === name && f.left > 0 && (f.after === undefined || calls.some((call) => call.name === f.after && call.status < 300)));
      if (fault) fault.left--;
      if (fault?.error) {
        calls.push({ name, method: req.method ?? '', path: url.pathname, status: fault.error.status, request });
        if (name.startsWith('iam:')) {
          // IAM speaks the query protocol: errors are XML
          const xml = `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${fault.error.type}</Code><Message>${fault.error.message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`;
          res.writeHead(fault.error.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
          res.end(xml);
          return;
        }
        const json = JSON.stringify({ Type: 'User', message: fault.error.message });
        res.writeHead(fault.error.status, { 'content-type': 'application/json', 'x-amzn-errortype': fault.error.type, 'content-length': Buffer.byteLength(json) });
        res.end(json);
        return;
      }
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value === undefined || key === 'host' || key === 'connection' || key === 'content-length') continue;
        headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const answer = await fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(body),
      });
      let out = Buffer.from(await answer.arrayBuffer());
      if (fault?.rewrite && answer.ok) out = Buffer.from(JSON.stringify(fault.rewrite(JSON.parse(out.toString('utf8')) as Record<string, unknown>)));
      calls.push({ name, method: req.method ?? '', path: url.pathname, status: answer.status, request });
      const outHeaders: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'content-encoding' && key !== 'connection') outHeaders[key] = value;
      });
      outHeaders['content-length'] = String(out.byteLength);
      res.writeHead(answer.status, outHeaders);
      res.end(out);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    names: () => calls.map((call) => call.name),
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clear() {
      faults.length = 0;
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
