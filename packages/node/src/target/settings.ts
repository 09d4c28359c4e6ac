/**
 * The node target's own settings (under `targets.node` in adapt.config.ts), validated with the
 * key named in the error, plus the common ones it uses (static, bodyLimit, timeout, env, domain).
 */
import type { TargetContext, TrustProxy } from '@adapt/core';

export interface NodeTargetSettings {
  /** Port the app listens on in production (PORT in the systemd unit). Default 3000. */
  port: number;
  /** Address the app listens on behind nginx. Default 127.0.0.1. */
  host: string;
  /** Where the build folder is installed on the server. Default /srv/<app name>. */
  installDir: string;
  /** System user the service runs as. Default www-data. */
  user: string;
  /** Absolute path of node on the server. Default /usr/bin/node. */
  nodePath: string;
  /** nginx `listen` values. Default ["80", "[::]:80"]. */
  listen: string[];
  /** nginx `server_name`. Default: the `domain` setting, else `_`. */
  serverName: string;
  /** node:cluster workers: a count or "auto". Default: one process. */
  workers: number | 'auto' | undefined;
  /** Seconds systemd waits for a graceful stop before SIGKILL. Default 30. */
  stopTimeout: number;
  static: string | undefined;
  bodyLimit: number | undefined;
  refuseMethods: string[] | undefined;
  timeout: number | undefined;
  env: Record<string, string>;
  serviceName: string;
  /** The shared `trustProxy` setting (validated by the CLI with core's trustProxyProblem); unset: the unit trusts its nginx, one hop. */
  trustProxy: TrustProxy | undefined;
}

export class NodeTargetError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

const known = ['port', 'host', 'installDir', 'user', 'nodePath', 'listen', 'serverName', 'workers', 'stopTimeout'];
/** The settings every target shares (validated by the CLI). */
const common = ['name', 'memory', 'timeout', 'region', 'env', 'static', 'domain', 'bodyLimit', 'trustProxy', 'refuseMethods'];

export function nodeSettings(context: TargetContext): NodeTargetSettings {
  const s = context.settings;
  for (const key of Object.keys(s)) {
    if (known.includes(key) || common.includes(key)) continue;
    const near = known.find((candidate) => distance(key.toLowerCase(), candidate.toLowerCase()) <= 2);
    throw new NodeTargetError(
      `adapt.config.ts: targets.node.${key}: unknown setting${near ? `; did you mean "${near}"?` : ''}`,
      `the node target's settings are: ${known.join(', ')}`,
    );
  }
  const fail = (key: string, expected: string): never => {
    throw new NodeTargetError(`adapt.config.ts: targets.node.${key}: expected ${expected}, got ${JSON.stringify(s[key])}`, `fix targets.node.${key}; the node target's settings are: ${known.join(', ')}`);
  };
  const str = (key: string, fallback: string, pattern?: RegExp, expected = 'a non-empty string'): string => {
    const value = s[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '' || /[\r\n]/.test(value) || (pattern && !pattern.test(value))) fail(key, expected);
    return value as string;
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const value = s[key];
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) fail(key, `an integer from ${min} to ${max}`);
    return value as number;
  };
  const listenValue = s.listen;
  let listen = ['80', '[::]:80'];
  if (listenValue !== undefined) {
    const list = Array.isArray(listenValue) ? listenValue : [listenValue];
    if (list.length === 0 || !list.every((item) => (typeof item === 'string' && /^[\w.:[\] -]+$/.test(item)) || Number.isInteger(item))) {
      fail('listen', 'an nginx listen value or a list of them, such as 80 or "127.0.0.1:8080"');
    }
    listen = list.map(String);
  }
  const workers = s.workers;
  if (workers !== undefined && workers !== 'auto' && !(Number.isInteger(workers) && (workers as number) >= 1)) fail('workers', 'a positive integer or "auto"');
  const serviceName = `adapt-${context.appName}`;
  return {
    port: int('port', 3000, 1, 65535),
    host: str('host', '127.0.0.1', /^[\w.:-]+$/, 'an IP address or host name'),
    installDir: str('installDir', `/srv/${context.appName}`, /^\/[^\s"'\\;%$]*$/, 'an absolute path without spaces, quotes or $'),
    user: str('user', 'www-data', /^[a-z_][a-z0-9_-]*\$?$/, 'a system user name'),
    nodePath: str('nodePath', '/usr/bin/node', /^\/[^\s"'\\;%$]*$/, 'an absolute path'),
    listen,
    serverName: str('serverName', typeof s.domain === 'string' ? s.domain : '_', /^[\w.* -]+$/, 'one or more host names'),
    workers: workers as NodeTargetSettings['workers'],
    stopTimeout: int('stopTimeout', 30, 1, 3600),
    static: typeof s.static === 'string' ? s.static : undefined,
    bodyLimit: typeof s.bodyLimit === 'number' ? s.bodyLimit : undefined,
    refuseMethods: Array.isArray(s.refuseMethods) ? s.refuseMethods.map(String) : undefined,
    timeout: typeof s.timeout === 'number' ? s.timeout : undefined,
    env: { ...((s.env as Record<string, string> | undefined) ?? {}) },
    serviceName,
    trustProxy: s.trustProxy as TrustProxy | undefined,
  };
}

/** Levenshtein distance, for did-you-mean. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
