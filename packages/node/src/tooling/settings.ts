/**
 * The node target's own settings (under `targets.node` in adapt.config.ts), declared in
 * `nodeSettingsSchema` and validated by @adapt/core's settings schema, plus the shared ones it uses
 * (static, bodyLimit, timeout, env, domain).
 */
import { checkResolvedSettings, checks, type SendFileSettings, type SettingCheck, type SettingsSchema, type TargetContext, type TrustProxy } from '@adapt/core';

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
  /** Folder of the supervisord program's log files. Default /var/log/supervisor. */
  logDir: string;
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
  /** The shared `sendFile` setting: nginx-site.conf gets an internal location per root. */
  sendFile: SendFileSettings | undefined;
}

const absolutePath = /^\/[^\s"'\\;%$]*$/;
const listenValue: SettingCheck = (value) => {
  const list = Array.isArray(value) ? value : [value];
  const ok = list.length > 0 && list.every((item) => (typeof item === 'string' && /^[\w.:[\] -]+$/.test(item)) || Number.isInteger(item));
  return ok ? undefined : 'an nginx listen value or a list of them, such as 80 or "127.0.0.1:8080"';
};

/** The node target's own settings, beside the shared ones; one line each. */
export const nodeSettingsSchema: SettingsSchema = {
  port: { check: checks.integer(1, 65535), description: 'Port the app listens on in production (PORT in the systemd unit).', example: '3000' },
  host: { check: checks.matches(/^[\w.:-]+$/, 'an IP address or host name'), description: 'Address the app listens on behind nginx.', example: '"127.0.0.1"' },
  installDir: {
    check: checks.matches(absolutePath, 'an absolute path without spaces, quotes or $'),
    description: 'Where the build folder is installed on the server.',
    example: '"/srv/shop"',
  },
  user: { check: checks.matches(/^[a-z_][a-z0-9_-]*\$?$/, 'a system user name'), description: 'System user the service runs as.', example: '"www-data"' },
  nodePath: { check: checks.matches(absolutePath, 'an absolute path'), description: 'Absolute path of node on the server.', example: '"/usr/bin/node"' },
  listen: { check: listenValue, description: 'nginx `listen` values.', example: '["80", "[::]:80"]' },
  serverName: { check: checks.matches(/^[\w.* -]+$/, 'one or more host names'), description: 'nginx `server_name`.', example: '"shop.example.com"' },
  workers: { check: checks.either(checks.positiveInteger, checks.oneOf(['auto'])), description: 'node:cluster workers: a count or "auto".', example: '"auto"' },
  logDir: { check: checks.matches(absolutePath, 'an absolute path'), description: "Folder of the supervisord program's log files.", example: '"/var/log/supervisor"' },
  stopTimeout: { check: checks.integer(1, 3600), description: 'Seconds systemd waits for a graceful stop before SIGKILL.', example: '30' },
};

/** The node target's settings with their defaults, checked against the schema (core's validation). */
export function nodeSettings(context: TargetContext): NodeTargetSettings {
  const s = context.settings;
  checkResolvedSettings(s, 'node', nodeSettingsSchema);
  const str = (key: string, fallback: string): string => (s[key] as string | undefined) ?? fallback;
  const listen = s.listen === undefined ? ['80', '[::]:80'] : (Array.isArray(s.listen) ? s.listen : [s.listen]).map(String);
  return {
    port: (s.port as number | undefined) ?? 3000,
    host: str('host', '127.0.0.1'),
    installDir: str('installDir', `/srv/${context.appName}`),
    user: str('user', 'www-data'),
    nodePath: str('nodePath', '/usr/bin/node'),
    listen,
    serverName: str('serverName', typeof s.domain === 'string' ? s.domain : '_'),
    workers: s.workers as NodeTargetSettings['workers'],
    logDir: str('logDir', '/var/log/supervisor'),
    stopTimeout: (s.stopTimeout as number | undefined) ?? 30,
    static: typeof s.static === 'string' ? s.static : undefined,
    bodyLimit: typeof s.bodyLimit === 'number' ? s.bodyLimit : undefined,
    refuseMethods: Array.isArray(s.refuseMethods) ? s.refuseMethods.map(String) : undefined,
    timeout: typeof s.timeout === 'number' ? s.timeout : undefined,
    env: { ...((s.env as Record<string, string> | undefined) ?? {}) },
    serviceName: `adapt-${context.appName}`,
    trustProxy: s.trustProxy as TrustProxy | undefined,
    sendFile: s.sendFile as SendFileSettings | undefined,
  };
}
