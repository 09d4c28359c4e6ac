/**
 * The fastcgi target's settings (under `targets.fastcgi` in adapt.config.ts), checked by core's
 * settings schema, with their defaults.
 */
import { checkResolvedSettings, checks, type SendFileSettings, type SettingsSchema, type TargetContext } from '@adapt/core';

export interface FastcgiTargetSettings extends FrontServerSettings {
  /** The unix socket the app listens on (FCGI_SOCKET). Default /run/adapt-<app>/fcgi.sock. */
  socket: string;
  /** A TCP port instead of the socket (FCGI_PORT), on 127.0.0.1. */
  port: number | undefined;
  timeout: number | undefined;
  /** System user the systemd unit and the supervisord program run the app as. Default www-data. */
  user: string;
  /** The systemd unit's and supervisord program's name: adapt-<app>. */
  serviceName: string;
  /** Seconds systemd (and supervisord) wait for a graceful stop. Default 30. */
  stopTimeout: number;
  /** Folder of the supervisord program's log files. Default /var/log/supervisor. */
  logDir: string;
  /** The stage's env, set in the unit and the program section. */
  env: Record<string, string>;
  /** The shared `sendFile` setting: the nginx site gets its internal locations, Apache mod_xsendfile, lighttpd allow-x-send-file. */
  sendFile: SendFileSettings | undefined;
}

const absolutePath = /^\/[^\s"'\\;%$|]*$/;

/** The settings every target behind a classic front server shares (fastcgi, cgi): where, with which node, on which addresses. */
export const frontServerSettingsSchema: SettingsSchema = {
  installDir: {
    check: checks.matches(absolutePath, 'an absolute path without spaces, quotes or $'),
    description: 'Where the build folder is installed on the server.',
    example: '"/srv/shop"',
  },
  nodePath: {
    check: checks.matches(absolutePath, 'an absolute path'),
    description: 'Absolute path of node on the server.',
    example: '"/usr/bin/node"',
  },
  listen: {
    check: (value) => {
      const list = Array.isArray(value) ? value : [value];
      return list.length > 0 && list.every((item) => (typeof item === 'string' && /^[\w.:[\]]+$/.test(item)) || Number.isInteger(item))
        ? undefined
        : 'a listen value or a list of them, such as 80 or "127.0.0.1:8080"';
    },
    description: "The front server's listen values.",
    example: '["80", "[::]:80"]',
  },
  serverName: { check: checks.matches(/^[\w.* -]+$/, 'one or more host names'), description: 'Host names the front server answers for.', example: '"shop.example.com"' },
};

export interface FrontServerSettings {
  /** Where the build folder is installed on the server. Default /srv/<app name>. */
  installDir: string;
  /** Absolute path of node on the server (the units, mod_fcgid, lighttpd bin-path, app.cgi's #! line). Default /usr/bin/node. */
  nodePath: string;
  /** The front server's listen values (nginx style). Default ["80", "[::]:80"]. */
  listen: string[];
  /** Server names. Default: the `domain` setting, else `_` (any). */
  serverName: string;
  static: string | undefined;
  bodyLimit: number | undefined;
}

/** The shared settings with their defaults, from settings already checked. */
export function frontServerSettings(context: TargetContext): FrontServerSettings {
  const s = context.settings;
  return {
    installDir: (s.installDir as string | undefined) ?? `/srv/${context.appName}`,
    nodePath: (s.nodePath as string | undefined) ?? '/usr/bin/node',
    listen: s.listen === undefined ? ['80', '[::]:80'] : (Array.isArray(s.listen) ? s.listen : [s.listen]).map(String),
    serverName: (s.serverName as string | undefined) ?? (typeof s.domain === 'string' ? s.domain : '_'),
    static: typeof s.static === 'string' ? s.static : undefined,
    bodyLimit: typeof s.bodyLimit === 'number' ? s.bodyLimit : undefined,
  };
}

export const fastcgiSettingsSchema: SettingsSchema = {
  socket: {
    check: checks.matches(absolutePath, 'an absolute path without spaces, quotes, | or $'),
    description: 'The unix socket the app listens on.',
    example: '"/run/shop/fcgi.sock"',
  },
  port: { check: checks.integer(1, 65535), description: 'A TCP port on 127.0.0.1 instead of the unix socket.', example: '9000' },
  ...frontServerSettingsSchema,
  nodePath: { ...frontServerSettingsSchema.nodePath!, description: 'Absolute path of node on the server (mod_fcgid, lighttpd bin-path).' },
  user: { check: checks.matches(/^[a-z_][a-z0-9_-]*\$?$/, 'a system user name'), description: 'System user the systemd unit runs the app as.', example: '"www-data"' },
  stopTimeout: { check: checks.integer(1, 3600), description: 'Seconds systemd waits for a graceful stop before SIGKILL.', example: '30' },
  logDir: { check: checks.matches(absolutePath, 'an absolute path'), description: "Folder of the supervisord program's log files.", example: '"/var/log/supervisor"' },
};

export function fastcgiSettings(context: TargetContext): FastcgiTargetSettings {
  const s = context.settings;
  checkResolvedSettings(s, 'fastcgi', fastcgiSettingsSchema);
  return {
    ...frontServerSettings(context),
    socket: (s.socket as string | undefined) ?? `/run/adapt-${context.appName}/fcgi.sock`,
    port: s.port as number | undefined,
    timeout: typeof s.timeout === 'number' ? s.timeout : undefined,
    sendFile: s.sendFile as SendFileSettings | undefined,
    user: (s.user as string | undefined) ?? 'www-data',
    serviceName: `adapt-${context.appName}`,
    stopTimeout: (s.stopTimeout as number | undefined) ?? 30,
    logDir: (s.logDir as string | undefined) ?? '/var/log/supervisor',
    env: { ...((s.env as Record<string, string> | undefined) ?? {}) },
  };
}
