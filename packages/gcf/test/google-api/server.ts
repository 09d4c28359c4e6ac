/**
 * A local server speaking the documented REST surface adapt's Google deploy uses, for the real
 * client libraries to talk to: the OAuth token endpoint, Cloud Functions v2 (functions get, create,
 * patch, delete, generateUploadUrl, operations get) with a signed-URL PUT, App Engine Admin v1 (services
 * get/patch, versions list/create, operations get; apps get) and Cloud Storage JSON (objects get, multipart
 * insert), Cloud Scheduler v1 (projects.locations.jobs list/get/create/patch/delete/pause/resume/run,
 * a schedule checked by unix-cron's field rules, the time zone by the tz database) and Pub/Sub v1
 * (topics get/create/publish; a job run publishes its message), Cloud Run v2 IAM on a function's
 * service (services getIamPolicy/setIamPolicy, an etag per policy). Every call is recorded; every API
 * call must carry the token it issued. One-shot faults answer the next matching call with an error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface Fault {
  /** Matches `METHOD path` (a regex on it). */
  match: RegExp;
  status: number;
  grpcStatus: string;
  message: string;
  /** Let this many matching calls through first. */
  skip?: number;
}

type Obj = Record<string, any>;

export class GoogleApi {
  readonly calls: Call[] = [];
  readonly functions = new Map<string, Obj>();
  /** Revisions each function has had (one per successful create or update). */
  readonly revisions = new Map<string, number>();
  readonly uploads = new Map<string, Buffer>();
  readonly objects = new Map<string, Buffer>();
  readonly versions = new Map<string, Obj[]>();
  readonly services = new Map<string, Obj>();
  readonly faults: Fault[] = [];
  /** Cloud Scheduler jobs by full name. */
  readonly jobs = new Map<string, Obj>();
  /** Pub/Sub topics by full name, with the messages published to each. */
  readonly topics = new Map<string, { topic: Obj; messages: Obj[] }>();
  /** The App Engine app's location (apps.get), fixed at its creation; undefined: the project has no app. */
  appLocation: string | undefined = 'us-central';
  /** Cloud Run services' IAM policies by service name (a function's serviceConfig.service). */
  readonly runPolicies = new Map<string, Obj>();
  /** The next operation finishes with this error instead of its result. */
  failNextOperation: { code: number; message: string } | undefined;
  private operations = new Map<string, Obj>();
  private server: Server | undefined;
  private counter = 0;
  origin = '';
  readonly token = 'test-access-token';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.origin;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Calls made to the APIs (token requests left out), as `METHOD path`. */
  /** The output-only fields a function deploy sets: the Cloud Run revision serving it (`<service>-<5 digits>-<suffix>`) and updateTime. */
  private revised(fn: Obj, revision: number): Obj {
    const service = String(fn.serviceConfig?.service ?? '')
      .split('/')
      .pop();
    return { ...fn, updateTime: this.stamp(), serviceConfig: { ...fn.serviceConfig, revision: `${service}-${String(revision).padStart(5, '0')}-xyz` } };
  }

  callLines(): string[] {
    return this.calls.filter((call) => call.path !== '/token').map((call) => `${call.method} ${call.path}`);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private error(res: ServerResponse, status: number, grpcStatus: string, message: string): void {
    this.send(res, status, { error: { code: status, message, status: grpcStatus } });
  }

  private operation(prefix: string, response: Obj, type: string, metadataType: string, apply: () => void): Obj {
    const name = `${prefix}/operations/op-${++this.counter}`;
    const failure = this.failNextOperation;
    this.failNextOperation = undefined;
    const finished: Obj = failure
      ? { name, done: true, error: failure, metadata: { '@type': metadataType, stages: [{ name: 'BUILD', state: 'COMPLETE' }] } }
      : {
          name,
          done: true,
          response: { '@type': type, ...response },
          metadata: {
            '@type': metadataType,
            stages: [
              { name: 'BUILD', state: 'COMPLETE' },
              { name: 'SERVICE', state: 'COMPLETE' },
            ],
          },
        };
    // the state changes when the operation succeeds, as on Google: a failed one leaves the old state
    this.operations.set(name, { finished, apply: failure ? () => undefined : apply, applied: false });
    return { name, done: false, metadata: { '@type': metadataType, stages: [{ name: 'BUILD', state: 'IN_PROGRESS' }] } };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const type = String(req.headers['content-type'] ?? '');
    let body: unknown = raw;
    if (type.includes('json') && raw.length) body = JSON.parse(raw.toString('utf8'));
    else if (type.includes('x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    const path = decodeURIComponent(url.pathname);
    const call: Call = { method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), body };
    this.calls.push(call);

    if (path === '/token') return this.send(res, 200, { access_token: this.token, expires_in: 3600, token_type: 'Bearer' });
    const signed = /^\/signed-upload\/(.+)$/.exec(path);
    if (!signed && req.headers.authorization !== `Bearer ${this.token}`) return this.error(res, 401, 'UNAUTHENTICATED', 'missing or wrong access token');
    const fault = this.faults.findIndex((item) => item.match.test(`${call.method} ${path}`) && !(item.skip && item.skip-- > 0));
    if (fault >= 0) {
      const [item] = this.faults.splice(fault, 1);
      return this.error(res, item!.status, item!.grpcStatus, item!.message);
    }
    if (signed) {
      if (req.method !== 'PUT') return this.error(res, 405, 'INVALID_ARGUMENT', 'PUT only');
      this.uploads.set(signed[1]!, raw);
      return this.send(res, 200, {});
    }

    // operations (both APIs): the first poll finds them done
    const op = /^\/v[12]\/((?:projects\/[^/]+\/locations\/[^/]+|apps\/[^/]+)\/operations\/[^/]+)$/.exec(path);
    if (op && req.method === 'GET') {
      const entry = this.operations.get(op[1]!);
      if (!entry) return this.error(res, 404, 'NOT_FOUND', 'no such operation');
      if (!entry.applied) {
        entry.applied = true;
        entry.apply();
      }
      return this.send(res, 200, entry.finished);
    }

    // Cloud Functions v2
    const upload = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+)\/functions:generateUploadUrl$/.exec(path);
    if (upload && req.method === 'POST') {
      const object = `upload-${++this.counter}.zip`;
      return this.send(res, 200, { uploadUrl: `${this.origin}/signed-upload/${object}?X-Goog-Signature=test`, storageSource: { bucket: 'gcf-v2-uploads-test', object } });
    }
    const fnPath = /^\/v2\/(projects\/([^/]+)\/locations\/([^/]+))\/functions(?:\/([^/:]+))?$/.exec(path);
    if (fnPath) {
      const [, parent, , region, id] = fnPath;
      const fnType = 'type.googleapis.com/google.cloud.functions.v2.Function';
      const metaType = 'type.googleapis.com/google.cloud.functions.v2.OperationMetadata';
      if (req.method === 'GET' && id) {
        const fn = this.functions.get(`${parent}/functions/${id}`);
        return fn ? this.send(res, 200, fn) : this.error(res, 404, 'NOT_FOUND', `Resource '${parent}/functions/${id}' was not found`);
      }
      if (req.method === 'POST' && !id) {
        const name = `${parent}/functions/${url.searchParams.get('functionId')}`;
        if (this.functions.has(name)) return this.error(res, 409, 'ALREADY_EXISTS', `Function ${name} already exists`);
        const requested = body as Obj;
        const source = requested.buildConfig?.source?.storageSource;
        if (!source || !this.uploads.has(source.object)) return this.error(res, 400, 'INVALID_ARGUMENT', 'buildConfig.source.storageSource names no uploaded object');
        const fn = {
          ...requested,
          name,
          state: 'ACTIVE',
          url: `https://${region}-${fnPath[2]}.cloudfunctions.net/${url.searchParams.get('functionId')}`,
          serviceConfig: {
            ...requested.serviceConfig,
            environmentVariables: { ...requested.serviceConfig?.environmentVariables, LOG_EXECUTION_ID: 'true' },
            maxInstanceCount: requested.serviceConfig?.maxInstanceCount ?? 100,
            // output only: the Cloud Run service behind the function, named after it
            service: `${parent}/services/${String(url.searchParams.get('functionId')).toLowerCase()}`,
            uri: `https://${String(url.searchParams.get('functionId')).toLowerCase()}-123456789012.${region}.run.app`,
          },
        };
        return this.send(
          res,
          200,
          this.operation(parent!, fn, fnType, metaType, () => {
            this.functions.set(name, this.revised(fn, 1));
            this.revisions.set(name, 1);
          }),
        );
      }
      if (req.method === 'DELETE' && id) {
        const name = `${parent}/functions/${id}`;
        if (!this.functions.has(name)) return this.error(res, 404, 'NOT_FOUND', `Resource '${name}' was not found`);
        return this.send(
          res,
          200,
          this.operation(parent!, {}, 'type.googleapis.com/google.protobuf.Empty', metaType, () => {
            this.functions.delete(name);
          }),
        );
      }
      if (req.method === 'PATCH' && id) {
        const name = `${parent}/functions/${id}`;
        const current = this.functions.get(name);
        if (!current) return this.error(res, 404, 'NOT_FOUND', 'no such function');
        const requested = body as Obj;
        const mask = (url.searchParams.get('updateMask') ?? '').split(',').filter(Boolean);
        if (mask.length === 0) return this.error(res, 400, 'INVALID_ARGUMENT', 'updateMask is required');
        const source = requested.buildConfig?.source?.storageSource;
        if (
          mask.includes('buildConfig.source') &&
          (!source || !(this.uploads.has(source.object) || JSON.stringify(source) === JSON.stringify(current.buildConfig?.source?.storageSource)))
        ) {
          return this.error(res, 400, 'INVALID_ARGUMENT', 'buildConfig.source.storageSource names no uploaded object');
        }
        const next: Obj = structuredClone(current);
        for (const field of mask) {
          const [group, key] = field.split('.') as [string, string | undefined];
          if (key) next[group] = { ...next[group], [key]: requested[group]?.[key] };
          else next[group] = requested[group];
        }
        next.serviceConfig.environmentVariables = { ...next.serviceConfig.environmentVariables, LOG_EXECUTION_ID: 'true' };
        return this.send(
          res,
          200,
          this.operation(parent!, next, fnType, metaType, () => {
            this.revisions.set(name, (this.revisions.get(name) ?? 0) + 1);
            this.functions.set(name, this.revised(next, this.revisions.get(name)!));
          }),
        );
      }
    }

    // Cloud Run v2: a function's service IAM policy (a new service's policy is empty)
    const runIam = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/services\/[^/:]+):(getIamPolicy|setIamPolicy)$/.exec(path);
    if (runIam) {
      const [, service, verb] = runIam;
      const exists = [...this.functions.values()].some((fn) => fn.serviceConfig?.service === service);
      if (!exists) return this.error(res, 404, 'NOT_FOUND', `Resource '${service}' was not found`);
      const current = this.runPolicies.get(service!) ?? { version: 1, etag: Buffer.from('etag-0').toString('base64') };
      if (verb === 'getIamPolicy' && req.method === 'GET') return this.send(res, 200, current);
      if (verb === 'setIamPolicy' && req.method === 'POST') {
        const policy = (body as Obj).policy as Obj | undefined;
        if (!policy) return this.error(res, 400, 'INVALID_ARGUMENT', 'policy is required');
        if (policy.etag && policy.etag !== current.etag)
          return this.error(res, 409, 'ABORTED', 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
        for (const binding of policy.bindings ?? []) {
          if (typeof binding.role !== 'string' || !binding.role.startsWith('roles/')) return this.error(res, 400, 'INVALID_ARGUMENT', `role ${binding.role} is not a role`);
          if (!Array.isArray(binding.members) || binding.members.length === 0) return this.error(res, 400, 'INVALID_ARGUMENT', 'a binding needs members');
        }
        const next = { version: policy.version ?? 1, bindings: policy.bindings ?? [], etag: Buffer.from(`etag-${++this.counter}`).toString('base64') };
        if (next.bindings.length === 0) delete (next as Obj).bindings;
        this.runPolicies.set(service!, next);
        return this.send(res, 200, next);
      }
    }

    // App Engine Admin v1
    const application = /^\/v1\/apps\/([^/]+)$/.exec(path);
    if (application && req.method === 'GET') {
      if (this.appLocation === undefined) return this.error(res, 404, 'NOT_FOUND', `Resource 'apps/${application[1]}' was not found`);
      return this.send(res, 200, { name: `apps/${application[1]}`, id: application[1], locationId: this.appLocation, servingStatus: 'SERVING' });
    }
    const appPath = /^\/v1\/(apps\/[^/]+)\/services\/([^/]+)(\/versions)?$/.exec(path);
    if (appPath) {
      const [, app, service, versionsPart] = appPath;
      const key = `${app}/services/${service}`;
      const metaType = 'type.googleapis.com/google.appengine.v1.OperationMetadataV1';
      if (versionsPart && req.method === 'GET') return this.send(res, 200, { versions: this.versions.get(key) ?? [] });
      if (versionsPart && req.method === 'POST') {
        const requested = body as Obj;
        const sourceUrl = String(requested.deployment?.zip?.sourceUrl ?? '');
        const object = /^https:\/\/storage\.googleapis\.com\/(.+)$/.exec(sourceUrl)?.[1];
        if (!object || !this.objects.has(object)) return this.error(res, 400, 'INVALID_ARGUMENT', `deployment.zip.sourceUrl ${sourceUrl} is not an uploaded object`);
        if ((this.versions.get(key) ?? []).some((version) => version.id === requested.id)) return this.error(res, 409, 'ALREADY_EXISTS', `version ${requested.id} exists`);
        const version = {
          ...requested,
          name: `${key}/versions/${requested.id}`,
          servingStatus: 'SERVING',
          createTime: new Date(Date.UTC(2026, 0, 1, 0, 0, ++this.counter)).toISOString(),
          versionUrl: `https://${requested.id}-dot-${service}-dot-test.appspot.com`,
        };
        return this.send(
          res,
          200,
          this.operation(app!, version, 'type.googleapis.com/google.appengine.v1.Version', metaType, () => {
            this.versions.set(key, [...(this.versions.get(key) ?? []), version]);
            if (!this.services.has(key)) this.services.set(key, { name: key, id: service, split: { allocations: {} } });
          }),
        );
      }
      if (!versionsPart && req.method === 'GET') {
        const svc = this.services.get(key);
        return svc ? this.send(res, 200, svc) : this.error(res, 404, 'NOT_FOUND', `service ${service} not found`);
      }
      if (!versionsPart && req.method === 'PATCH') {
        const svc = this.services.get(key);
        if (!svc) return this.error(res, 404, 'NOT_FOUND', `service ${service} not found`);
        if (url.searchParams.get('updateMask') !== 'split') return this.error(res, 400, 'INVALID_ARGUMENT', 'updateMask must be split');
        const allocations = (body as Obj).split?.allocations ?? {};
        for (const id of Object.keys(allocations))
          if (!(this.versions.get(key) ?? []).some((version) => version.id === id)) return this.error(res, 400, 'INVALID_ARGUMENT', `no version ${id}`);
        const next = { ...svc, split: { allocations } };
        return this.send(
          res,
          200,
          this.operation(app!, next, 'type.googleapis.com/google.appengine.v1.Service', metaType, () => this.services.set(key, next)),
        );
      }
    }

    // Cloud Scheduler v1
    const jobsPath = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+)\/jobs(?:\/([^/:]+))?(?::(pause|resume|run))?$/.exec(path);
    if (jobsPath) return this.scheduler(res, req.method ?? 'GET', jobsPath[1]!, jobsPath[2], jobsPath[3], url, body as Obj);

    // Pub/Sub v1
    const topicPath = /^\/v1\/(projects\/[^/]+\/topics\/[^/:]+)(:publish)?$/.exec(path);
    if (topicPath) {
      const [, name, publishing] = topicPath;
      const entry = this.topics.get(name!);
      if (publishing && req.method === 'POST') {
        if (!entry) return this.error(res, 404, 'NOT_FOUND', `Resource not found (resource=${name!.split('/').pop()}).`);
        const messages = ((body as Obj).messages ?? []) as Obj[];
        if (messages.length === 0) return this.error(res, 400, 'INVALID_ARGUMENT', 'The request contains no messages.');
        const ids = messages.map((message) => {
          const id = String(++this.counter);
          entry.messages.push({ ...message, messageId: id, publishTime: new Date(Date.UTC(2026, 0, 1, 0, 0, this.counter)).toISOString() });
          return id;
        });
        return this.send(res, 200, { messageIds: ids });
      }
      if (!publishing && req.method === 'GET') return entry ? this.send(res, 200, entry.topic) : this.error(res, 404, 'NOT_FOUND', 'Resource not found (resource=topic).');
      if (!publishing && req.method === 'PUT') {
        if (entry) return this.error(res, 409, 'ALREADY_EXISTS', 'Resource already exists in the project (resource=topic).');
        const topic = { ...(body as Obj), name };
        this.topics.set(name!, { topic, messages: [] });
        return this.send(res, 200, topic);
      }
    }

    // Cloud Storage JSON API
    const objectGet = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (objectGet && req.method === 'GET') {
      const key = `${objectGet[1]}/${objectGet[2]}`;
      const data = this.objects.get(key);
      return data ? this.send(res, 200, { bucket: objectGet[1], name: objectGet[2], size: String(data.byteLength) }) : this.error(res, 404, 'NOT_FOUND', 'No such object');
    }
    const insert = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    if (insert && req.method === 'POST') {
      const name = url.searchParams.get('name') ?? '';
      const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
      if (!boundary) return this.error(res, 400, 'INVALID_ARGUMENT', 'multipart only');
      const parts = splitMultipart(raw, boundary);
      const metadata = JSON.parse(parts[0]!.toString('utf8')) as Obj;
      const objectName = name || String(metadata.name);
      this.objects.set(`${insert[1]}/${objectName}`, parts[1]!);
      (call as { body: unknown }).body = { metadata, bytes: parts[1]!.byteLength };
      return this.send(res, 200, { bucket: insert[1], name: objectName, size: String(parts[1]!.byteLength) });
    }
    this.error(res, 404, 'NOT_FOUND', `the test server does not speak ${req.method} ${path}`);
  }

  /** Cloud Scheduler's jobs resource, as its REST reference describes it. */
  private scheduler(res: ServerResponse, method: string, parent: string, id: string | undefined, verb: string | undefined, url: URL, body: Obj): void {
    const name = id ? `${parent}/jobs/${id}` : undefined;
    const job = name ? this.jobs.get(name) : undefined;
    const missing = () => this.error(res, 404, 'NOT_FOUND', `Job not found.`);
    if (!id && method === 'GET') {
      const all = [...this.jobs.values()].filter((item) => item.name.startsWith(`${parent}/jobs/`));
      const size = Number(url.searchParams.get('pageSize') || 2);
      const start = Number(url.searchParams.get('pageToken') || 0);
      const page = all.slice(start, start + size);
      return this.send(res, 200, { jobs: page, ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) });
    }
    if (!id && method === 'POST') {
      const requested = body ?? {};
      const jobName = String(requested.name ?? '');
      const match = /^projects\/[^/]+\/locations\/[^/]+\/jobs\/([A-Za-z0-9_-]{1,500})$/.exec(jobName);
      if (!match || !jobName.startsWith(`${parent}/jobs/`))
        return this.error(res, 400, 'INVALID_ARGUMENT', `Job name must be formatted: "projects/<PROJECT_ID>/locations/<LOCATION_ID>/jobs/<JOB_ID>".`);
      if (this.jobs.has(jobName)) return this.error(res, 409, 'ALREADY_EXISTS', 'Job already exists.');
      const invalid = invalidJob(requested);
      if (invalid) return this.error(res, 400, 'INVALID_ARGUMENT', invalid);
      const created = { ...requested, state: 'ENABLED', userUpdateTime: this.stamp() };
      this.jobs.set(jobName, created);
      return this.send(res, 200, created);
    }
    if (!job) return missing();
    if (method === 'GET' && !verb) return this.send(res, 200, job);
    if (method === 'DELETE' && !verb) {
      this.jobs.delete(name!);
      return this.send(res, 200, {});
    }
    if (method === 'PATCH' && !verb) {
      const mask = (url.searchParams.get('updateMask') ?? '').split(',').filter(Boolean);
      const next: Obj = { ...job };
      for (const field of mask.length ? mask : Object.keys(body)) {
        if (field === 'name' || field === 'state') continue;
        if (body[field] === undefined) delete next[field];
        else next[field] = body[field];
      }
      const invalid = invalidJob(next);
      if (invalid) return this.error(res, 400, 'INVALID_ARGUMENT', invalid);
      next.userUpdateTime = this.stamp();
      this.jobs.set(name!, next);
      return this.send(res, 200, next);
    }
    if (method === 'POST' && verb === 'pause') {
      job.state = 'PAUSED';
      return this.send(res, 200, job);
    }
    if (method === 'POST' && verb === 'resume') {
      job.state = 'ENABLED';
      return this.send(res, 200, job);
    }
    if (method === 'POST' && verb === 'run') {
      const problem = this.runJob(name!);
      return problem ? this.error(res, 400, 'INVALID_ARGUMENT', problem) : this.send(res, 200, job);
    }
    this.error(res, 404, 'NOT_FOUND', `the test server does not speak ${method} ${name}${verb ? `:${verb}` : ''}`);
  }

  /** Cloud Scheduler firing a job now: a Pub/Sub target's message is published to its topic (an App Engine target's request is only recorded). */
  runJob(name: string): string | undefined {
    const job = this.jobs.get(name);
    if (!job) return `Job ${name} not found.`;
    job.lastAttemptTime = this.stamp();
    const pubsub = job.pubsubTarget as Obj | undefined;
    if (!pubsub) return undefined;
    const topic = this.topics.get(String(pubsub.topicName));
    if (!topic) return `Topic ${pubsub.topicName} not found.`;
    topic.messages.push({ data: pubsub.data, attributes: pubsub.attributes ?? {}, messageId: String(++this.counter), publishTime: this.stamp() });
    return undefined;
  }

  private stamp(): string {
    return new Date(Date.UTC(2026, 0, 1, 0, 0, ++this.counter)).toISOString();
  }
}

/** The bodies of a multipart/related message. */
function splitMultipart(raw: Buffer, boundary: string): Buffer[] {
  const marker = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = raw.indexOf(marker);
  while (at >= 0) {
    const next = raw.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = raw.subarray(at + marker.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) parts.push(part.subarray(headerEnd + 4, part.length - 2));
    at = next;
  }
  return parts;
}

const cronFields: [number, number, string[]?][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12, ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']],
  [0, 7, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']],
];

/** What Cloud Scheduler says about a job it refuses, or undefined. Its unix-cron: 5 fields, `*`, ranges, steps, lists, month and day names. */
function invalidJob(job: Obj): string | undefined {
  const targets = ['pubsubTarget', 'appEngineHttpTarget', 'httpTarget'].filter((field) => job[field] !== undefined);
  if (targets.length !== 1) return 'Job must have exactly one target.';
  const schedule = String(job.schedule ?? '');
  const fields = schedule.trim().split(/\s+/);
  const value = (text: string, [min, max, names]: [number, number, string[]?]) => {
    const named = names?.indexOf(text.toUpperCase()) ?? -1;
    const number = named >= 0 ? named + (min === 1 ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    return number >= min && number <= max ? number : undefined;
  };
  const fieldOk = (field: string, spec: [number, number, string[]?]) =>
    field.split(',').every((part) => {
      const [range, step] = part.split('/');
      if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return false;
      if (range === '*') return true;
      const [from, to] = range!.split('-');
      const low = value(from!, spec);
      return low !== undefined && (to === undefined || (value(to, spec) ?? -1) >= low);
    });
  if (fields.length !== 5 || !fields.every((field, index) => fieldOk(field, cronFields[index]!))) return 'Schedule or time zone is invalid.';
  if (job.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: String(job.timeZone) });
    } catch {
      return 'Schedule or time zone is invalid.';
    }
  }
  const target = job.appEngineHttpTarget as Obj | undefined;
  if (target && !String(target.relativeUri ?? '/').startsWith('/')) return 'App Engine relative URI must begin with "/".';
  return undefined;
}
