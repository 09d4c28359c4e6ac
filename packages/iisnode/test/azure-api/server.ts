/**
 * A local HTTPS server speaking the documented REST surface adapt's Azure deploy uses, for the
 * real @azure/identity and @azure/arm-appservice clients to talk to:
 * - Microsoft Entra: the tenant's OpenID configuration and the v2.0 token endpoint
 *   (client_credentials with a client secret);
 * - Azure Resource Manager: sites and slots get, basicPublishingCredentialsPolicies/scm,
 *   config/appsettings/list and PUT config/appsettings, config/publishingcredentials/list;
 * - Kudu (the SCM site, one host name per app): POST /api/zipdeploy?isAsync=true (202 and a
 *   Location; 409 while a deployment is in progress), GET /api/deployments, /api/deployments/latest
 *   (202 while running, 200 when complete), /api/deployments/{id}/log and its details.
 * A deployment goes pending, building, deploying, then success (status 4) or failed (3); only a
 * success makes it the active one, so a failed deployment leaves the previous one served. Every
 * ARM and Kudu call must carry the token the server issued (or, for Kudu, the site's publishing
 * credentials while basic auth is allowed). One-shot faults answer the next matching call.
 * The certificate is made with openssl when the server starts; clients trust it through `ca`.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Call {
  method: string;
  host: string;
  path: string;
  auth: 'bearer' | 'basic' | 'none';
  bytes: number;
}

export interface Fault {
  /** Matches `METHOD path` (path without the query). */
  match: RegExp;
  status: number;
  body: string;
}

export interface Deployment {
  id: string;
  status: number;
  status_text: string;
  progress: string;
  message: string;
  deployer: string;
  author: string;
  complete: boolean;
  active: boolean;
  received_time: string;
  start_time: string;
  end_time: string | null;
  /** success, failed, or hang (never finishes) */
  outcome: 'success' | 'failed' | 'hang';
  polls: number;
  zip: Buffer;
}

export interface FakeApp {
  resourceGroup: string;
  site: string;
  slot?: string;
  kind: string;
  scmHost: string;
  basicAllowed: boolean;
  appSettings: Record<string, string>;
  deployments: Deployment[];
  user: { name: string; password: string };
  /** The site's state as ARM reports it: Running unless a test stops it. */
  state?: 'Running' | 'Stopped';
}

type Obj = Record<string, any>;

export class AzureApi {
  readonly calls: Call[] = [];
  readonly faults: Fault[] = [];
  readonly apps: FakeApp[] = [];
  readonly tenant = 'adapt-test-tenant';
  readonly clientId = 'adapt-test-client';
  readonly clientSecret = 'adapt-test-secret';
  readonly subscription = '6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b';
  readonly token = `entra-token-${randomUUID()}`;
  /** How the next deployment ends. */
  nextOutcome: Deployment['outcome'] = 'success';
  ca = '';
  origin = '';
  port = 0;
  private server: Server | undefined;
  private certDir = '';

  async start(): Promise<string> {
    this.certDir = mkdtempSync(join(tmpdir(), 'adapt-azure-api-'));
    const key = join(this.certDir, 'key.pem');
    const cert = join(this.certDir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    this.ca = readFileSync(cert, 'utf8');
    this.server = createServer({ key: readFileSync(key), cert: this.ca }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.origin = `https://127.0.0.1:${this.port}`;
    return this.origin;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
    if (this.certDir) rmSync(this.certDir, { recursive: true, force: true });
  }

  /** The certificate file's path, for NODE_EXTRA_CA_CERTS in a child process. */
  get caFile(): string {
    return join(this.certDir, 'cert.pem');
  }

  /** Adds an App Service app (a slot when `slot` is given); its Kudu answers on its own host name. */
  addApp(app: Partial<FakeApp> & { resourceGroup: string; site: string }): FakeApp {
    const host = ['127.0.0.1', 'localhost'][this.apps.length];
    if (!host) throw new Error('the fake holds two apps at most (one Kudu host name each)');
    const full: FakeApp = {
      kind: 'app',
      basicAllowed: false,
      appSettings: {},
      deployments: [],
      user: { name: `$${app.site}`, password: randomUUID() },
      ...app,
      scmHost: `${host}:${this.port}`,
    };
    this.apps.push(full);
    return full;
  }

  /** The zip the app serves: its active deployment's. */
  served(app: FakeApp): Buffer | undefined {
    return app.deployments.find((deployment) => deployment.active)?.zip;
  }

  /** Calls to ARM and Kudu (token requests left out), as `METHOD path`. */
  callLines(): string[] {
    return this.calls.filter((call) => !call.path.includes('/oauth2/') && !call.path.includes('.well-known')).map((call) => `${call.method} ${call.path}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.origin);
    const authorization = req.headers.authorization ?? '';
    const auth: Call['auth'] = authorization.startsWith('Bearer ') ? 'bearer' : authorization.startsWith('Basic ') ? 'basic' : 'none';
    const host = req.headers.host ?? '';
    this.calls.push({ method: req.method ?? 'GET', host, path: url.pathname, auth, bytes: body.byteLength });
    const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      res.writeHead(status, { 'content-type': typeof value === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers });
      res.end(text);
    };
    const line = `${req.method} ${url.pathname}`;
    const fault = this.faults.findIndex((item) => item.match.test(line));
    if (fault >= 0) {
      const [hit] = this.faults.splice(fault, 1);
      return send(hit!.status, hit!.body.startsWith('{') ? JSON.parse(hit!.body) : hit!.body);
    }
    try {
      if (url.pathname.startsWith(`/${this.tenant}/`)) return this.entra(req.method ?? 'GET', url, body, send);
      if (url.pathname.startsWith('/subscriptions/')) {
        if (authorization !== `Bearer ${this.token}`) return send(401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
        return this.arm(req.method ?? 'GET', url, body, send);
      }
      if (url.pathname.startsWith('/api/')) {
        const app = this.apps.find((item) => item.scmHost === host);
        if (!app) return send(404, 'Not Found');
        const basic = `Basic ${Buffer.from(`${app.user.name}:${app.user.password}`).toString('base64')}`;
        if (authorization !== `Bearer ${this.token}` && !(app.basicAllowed && authorization === basic)) return send(401, 'Unauthorized');
        return this.kudu(app, req.method ?? 'GET', url, body, send);
      }
      send(404, { error: { code: 'NotFound', message: `no route for ${line}` } });
    } catch (error) {
      send(500, { error: { code: 'InternalError', message: (error as Error).message } });
    }
  }

  private entra(method: string, url: URL, body: Buffer, send: (status: number, value: unknown) => void): void {
    const base = `${this.origin}/${this.tenant}`;
    if (method === 'GET' && url.pathname.endsWith('/v2.0/.well-known/openid-configuration')) {
      return send(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        issuer: `${base}/v2.0`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      });
    }
    if (method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== this.clientId)
        return send(400, {
          error: 'unauthorized_client',
          error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`,
        });
      if (form.get('client_secret') !== this.clientSecret)
        return send(401, {
          error: 'invalid_client',
          error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.`,
        });
      return send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: this.token });
    }
    send(404, { error: 'not_found', error_description: url.pathname });
  }

  private arm(method: string, url: URL, body: Buffer, send: (status: number, value: unknown) => void): void {
    const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/sites\/([^/]+)(?:\/slots\/([^/]+))?(\/.*)?$/i.exec(url.pathname);
    if (!match || !url.searchParams.get('api-version')) return send(400, { error: { code: 'InvalidRequest', message: `not an App Service request: ${url.pathname}` } });
    const [, subscription, group, site, slot, rest = ''] = match;
    const app = this.apps.find(
      (item) =>
        subscription === this.subscription && item.resourceGroup.toLowerCase() === group!.toLowerCase() && item.site === site && (item.slot ?? undefined) === (slot ?? undefined),
    );
    if (!app)
      return send(404, {
        error: { code: 'ResourceNotFound', message: `The Resource 'Microsoft.Web/sites/${site}${slot ? `/slots/${slot}` : ''}' under resource group '${group}' was not found.` },
      });
    const id = url.pathname.replace(rest, '');
    const name = slot ? `${site}/${slot}` : site;
    const hostName = `${slot ? `${site}-${slot}` : site}.azurewebsites.net`;
    if (method === 'GET' && rest === '') {
      return send(200, {
        id,
        name,
        type: slot ? 'Microsoft.Web/sites/slots' : 'Microsoft.Web/sites',
        kind: app.kind,
        location: 'West Europe',
        properties: {
          state: app.state ?? 'Running',
          hostNames: [hostName],
          enabledHostNames: [hostName, app.scmHost],
          defaultHostName: hostName,
          hostNameSslStates: [
            { name: hostName, sslState: 'Disabled', hostType: 'Standard' },
            { name: app.scmHost, sslState: 'Disabled', hostType: 'Repository' },
          ],
        },
      });
    }
    if (method === 'GET' && rest === '/basicPublishingCredentialsPolicies/scm')
      return send(200, { id: `${id}${rest}`, name: 'scm', type: 'Microsoft.Web/sites/basicPublishingCredentialsPolicies', properties: { allow: app.basicAllowed } });
    if (method === 'POST' && rest === '/config/appsettings/list')
      return send(200, { id: `${id}/config/appsettings`, name: 'appsettings', type: 'Microsoft.Web/sites/config', properties: app.appSettings });
    if (method === 'PUT' && rest === '/config/appsettings') {
      const value = JSON.parse(body.toString('utf8')) as Obj;
      app.appSettings = { ...(value.properties as Record<string, string>) };
      return send(200, { id: `${id}/config/appsettings`, name: 'appsettings', type: 'Microsoft.Web/sites/config', properties: app.appSettings });
    }
    if (method === 'POST' && rest === '/config/publishingcredentials/list')
      return send(200, {
        id: `${id}/config/publishingcredentials`,
        name: 'publishingcredentials',
        type: 'Microsoft.Web/sites/config',
        properties: { name: app.site, publishingUserName: app.user.name, publishingPassword: app.user.password, scmUri: `https://${app.scmHost}` },
      });
    send(404, { error: { code: 'NotFound', message: `no route for ${method} ${rest}` } });
  }

  private kudu(app: FakeApp, method: string, url: URL, body: Buffer, send: (status: number, value: unknown, headers?: Record<string, string>) => void): void {
    const path = url.pathname.toLowerCase();
    if (method === 'POST' && path === '/api/zipdeploy') {
      if (app.deployments.some((deployment) => !deployment.complete)) return send(409, 'There is a deployment currently in progress. Please try again when it completes.');
      if (body.byteLength === 0 || body.subarray(0, 2).toString('latin1') !== 'PK') return send(400, 'The request body is not a zip file.');
      const now = new Date().toISOString();
      const deployment: Deployment = {
        id: randomUUID().replace(/-/g, ''),
        status: 0,
        status_text: 'Receiving changes.',
        progress: '',
        message: url.searchParams.get('message') ?? 'Created via a push deployment',
        deployer: url.searchParams.get('deployer') ?? 'Push-Deployer',
        author: url.searchParams.get('author') ?? 'N/A',
        complete: false,
        active: false,
        received_time: now,
        start_time: now,
        end_time: null,
        outcome: this.nextOutcome,
        polls: 0,
        zip: body,
      };
      this.nextOutcome = 'success';
      app.deployments.unshift(deployment);
      if (url.searchParams.get('isAsync') !== 'true') {
        while (!deployment.complete && deployment.outcome !== 'hang') this.advance(app, deployment);
        return send(deployment.status === 4 ? 200 : 500, '');
      }
      return send(202, '', { location: `https://${app.scmHost}/api/deployments/latest?deployer=${encodeURIComponent(deployment.deployer)}&time=${encodeURIComponent(now)}` });
    }
    if (method === 'GET' && path === '/api/deployments')
      return send(
        200,
        app.deployments.map((deployment) => this.record(app, deployment)),
      );
    if (method === 'GET' && path === '/api/deployments/latest') {
      const latest = app.deployments[0];
      if (!latest) return send(404, { Message: 'No deployment found.' });
      this.advance(app, latest);
      return send(latest.complete ? 200 : 202, this.record(app, latest));
    }
    const log = /^\/api\/deployments\/([^/]+)\/log(?:\/([^/]+))?$/.exec(path);
    if (method === 'GET' && log) {
      const deployment = app.deployments.find((item) => item.id === log[1]);
      if (!deployment) return send(404, { Message: 'Deployment not found.' });
      return send(200, log[2] ? this.details(deployment) : this.log(app, deployment));
    }
    const one = /^\/api\/deployments\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const deployment = app.deployments.find((item) => item.id === one[1]);
      return deployment ? send(deployment.complete ? 200 : 202, this.record(app, deployment)) : send(404, { Message: 'Deployment not found.' });
    }
    send(404, 'Not Found');
  }

  /** One step of a deployment per status poll: pending, building, deploying, then its outcome. */
  private advance(app: FakeApp, deployment: Deployment): void {
    if (deployment.complete) return;
    deployment.polls++;
    const steps: [number, string, string][] = [
      [1, 'Building and Deploying.', 'Extracting the zip into wwwroot'],
      [2, 'Deploying.', 'Running post deployment command(s)...'],
    ];
    const step = steps[deployment.polls - 1];
    if (step) {
      [deployment.status, deployment.status_text, deployment.progress] = step;
      return;
    }
    if (deployment.outcome === 'hang') return;
    deployment.complete = true;
    deployment.end_time = new Date().toISOString();
    deployment.progress = '';
    if (deployment.outcome === 'failed') {
      deployment.status = 3;
      deployment.status_text = 'Deployment failed.';
      return;
    }
    deployment.status = 4;
    deployment.status_text = '';
    for (const other of app.deployments) other.active = false;
    deployment.active = true;
  }

  private record(app: FakeApp, deployment: Deployment): Obj {
    const { zip: _zip, outcome: _outcome, polls: _polls, ...rest } = deployment;
    return {
      ...rest,
      is_temp: false,
      is_readonly: true,
      url: `https://${app.scmHost}/api/deployments/${deployment.id}`,
      log_url: `https://${app.scmHost}/api/deployments/${deployment.id}/log`,
      site_name: app.site,
    };
  }

  private log(app: FakeApp, deployment: Deployment): Obj[] {
    const entry = (id: string, message: string, type: number, details: boolean) => ({
      log_time: deployment.received_time,
      id,
      message,
      type,
      details_url: details ? `https://${app.scmHost}/api/deployments/${deployment.id}/log/${id}` : null,
    });
    const lines = [entry('1', 'Updating submodules.', 0, false), entry('2', 'Preparing deployment for commit id.', 0, false)];
    if (deployment.status === 3) lines.push(entry('3', 'Running post deployment command(s)...', 2, true));
    else if (deployment.status === 4) lines.push(entry('3', 'Deployment successful.', 0, false));
    return lines;
  }

  private details(deployment: Deployment): Obj[] {
    return [
      { log_time: deployment.received_time, id: 'd1', message: 'Command: "%POST_DEPLOYMENT_ACTION%"', type: 0, details_url: null },
      { log_time: deployment.received_time, id: 'd2', message: 'Error: EPERM: operation not permitted, unlink D:\\home\\site\\wwwroot\\server.mjs', type: 2, details_url: null },
    ];
  }
}
