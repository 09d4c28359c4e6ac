/**
 * The iisnode target's settings (under `targets.iisnode` in adapt.config.ts), checked with the key
 * named in the error, plus the shared ones it uses (static, env).
 */
import type { TargetContext, TrustProxy } from '@adapt/core';
import { normalizeBasePath } from '../base-path.js';
import { promotedNames } from '../headers.js';
import { configError } from './errors.js';

export type IisnodeMode = 'iisnode' | 'httpPlatform';

/** The Node versions Azure App Service on Windows still offers (WEBSITE_NODE_DEFAULT_VERSION). */
export const azureNodeVersions = ['~22', '~24'] as const;
export const defaultAzureNodeVersion = '~24';

export interface IisnodeTargetSettings {
  /** `iisnode` (the iisnode module, a named pipe) or `httpPlatform` (HttpPlatformHandler starts node on a port). */
  mode: IisnodeMode;
  /** The application's virtual directory (`/app`); '' for a site root. */
  basePath: string;
  /** iisnode's node processes per application; 0 is one per CPU. */
  nodeProcessCountPerApplication: number;
  enableXFF: boolean;
  promoteServerVars: string[];
  /** iisnode's watchedFiles entries, as written into web.config (backslashes). */
  watchedFiles: string[];
  /** iisnode.yml lines, or undefined for no iisnode.yml. */
  iisnodeYml: Record<string, string | number | boolean> | undefined;
  /** node.exe as IIS starts it. */
  nodePath: string;
  /** WEBSITE_NODE_DEFAULT_VERSION for Azure App Service. */
  azureNodeVersion: string;
  /** Development: iisnode's debugger and developer errors on. */
  development: boolean;
  /** The shared `trustProxy` (checked by the CLI), with IIS as hop 0; unset: 1 with enableXFF, else none. */
  trustProxy: TrustProxy | undefined;
  /** The shared `refuseMethods`. */
  refuseMethods: string[] | undefined;
  bodyLimit: number | undefined;
  static: string | undefined;
  env: Record<string, string>;
}

export const iisnodeSettingKeys = [
  'mode',
  'basePath',
  'nodeProcessCountPerApplication',
  'enableXFF',
  'promoteServerVars',
  'watchedFiles',
  'iisnodeYml',
  'nodePath',
  'azureNodeVersion',
];
const common = ['name', 'memory', 'timeout', 'region', 'env', 'static', 'domain', 'bodyLimit', 'trustProxy', 'refuseMethods'];

/** Files whose change recycles the node processes: the entry, the bundle and the overrides. */
export const defaultWatchedFiles = ['web.config', 'index.cjs', 'server.mjs', 'iisnode.yml'];

export function iisnodeSettings(context: TargetContext): IisnodeTargetSettings {
  const s = context.settings;
  for (const key of Object.keys(s)) {
    if (iisnodeSettingKeys.includes(key) || common.includes(key)) continue;
    throw configError(`adapt.config.ts: targets.iisnode.${key}: unknown setting`, `the iisnode target's settings are: ${iisnodeSettingKeys.join(', ')}`);
  }
  const fail = (key: string, expected: string): never => {
    throw configError(`adapt.config.ts: targets.iisnode.${key}: expected ${expected}, got ${JSON.stringify(s[key])}`, `fix targets.iisnode.${key} in adapt.config.ts`);
  };
  const mode = s.mode ?? 'iisnode';
  if (mode !== 'iisnode' && mode !== 'httpPlatform') fail('mode', '"iisnode" or "httpPlatform"');
  let basePath = '';
  if (s.basePath !== undefined) {
    try {
      basePath = normalizeBasePath(s.basePath as string);
    } catch {
      fail('basePath', 'the virtual directory as a URL path, such as "/app"');
    }
  }
  const count = s.nodeProcessCountPerApplication ?? 1;
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > 64) fail('nodeProcessCountPerApplication', 'an integer from 0 (one per CPU) to 64');
  const enableXFF = s.enableXFF ?? false;
  if (typeof enableXFF !== 'boolean') fail('enableXFF', 'true or false');
  let promoteServerVars: string[] = [];
  if (s.promoteServerVars !== undefined) {
    if (!Array.isArray(s.promoteServerVars) && typeof s.promoteServerVars !== 'string') fail('promoteServerVars', 'a list of IIS server variable names, such as ["AUTH_USER"]');
    try {
      promoteServerVars = [...promotedNames(s.promoteServerVars as string | string[]).values()];
    } catch {
      fail('promoteServerVars', 'a list of IIS server variable names (letters, digits and _), such as ["AUTH_USER"]');
    }
  }
  let watchedFiles = defaultWatchedFiles;
  if (s.watchedFiles !== undefined) {
    if (!Array.isArray(s.watchedFiles) || !s.watchedFiles.every((item) => typeof item === 'string'))
      fail('watchedFiles', 'a list of file paths relative to the build, such as ["*.js", "config/*.json"]');
    watchedFiles = [...defaultWatchedFiles, ...(s.watchedFiles as string[]).map(watchedFile).filter((entry) => !defaultWatchedFiles.includes(entry))];
  }
  let iisnodeYml: IisnodeTargetSettings['iisnodeYml'];
  if (s.iisnodeYml !== undefined) {
    const value = s.iisnodeYml;
    if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((item) => ['string', 'number', 'boolean'].includes(typeof item))) {
      fail('iisnodeYml', 'an object of iisnode.yml keys and values, such as { debugPortRange: "5058-6058" }');
    }
    iisnodeYml = { ...(value as Record<string, string | number | boolean>) };
  }
  const nodePath = s.nodePath ?? 'node.exe';
  if (typeof nodePath !== 'string' || nodePath === '' || /["<>&\r\n]/.test(nodePath))
    fail('nodePath', 'the path of node.exe on the server, such as "node.exe" or "C:\\\\Program Files\\\\nodejs\\\\node.exe"');
  const azureNodeVersion = s.azureNodeVersion ?? defaultAzureNodeVersion;
  if (!(azureNodeVersions as readonly unknown[]).includes(azureNodeVersion))
    fail('azureNodeVersion', `one of the versions Azure App Service still offers: ${azureNodeVersions.join(', ')}`);
  return {
    mode: mode as IisnodeMode,
    basePath,
    nodeProcessCountPerApplication: count as number,
    enableXFF: enableXFF as boolean,
    promoteServerVars,
    watchedFiles,
    iisnodeYml,
    nodePath: nodePath as string,
    azureNodeVersion: azureNodeVersion as string,
    development: !context.production || context.stage === 'development',
    trustProxy: s.trustProxy as TrustProxy | undefined,
    refuseMethods: Array.isArray(s.refuseMethods) ? s.refuseMethods.map(String) : undefined,
    bodyLimit: typeof s.bodyLimit === 'number' ? s.bodyLimit : undefined,
    static: typeof s.static === 'string' ? s.static : undefined,
    env: { ...((s.env as Record<string, string> | undefined) ?? {}) },
  };
}

/**
 * One watchedFiles entry as iisnode takes it: relative to the entry's folder, backslash separators,
 * a wildcard only in the file name (`config\*.json`, never `*\app.json`).
 */
export function watchedFile(entry: string): string {
  const path = entry.replace(/\//g, '\\').replace(/^\.\\/, '');
  const fail = (why: string): never => {
    throw configError(
      `adapt.config.ts: targets.iisnode.watchedFiles: ${JSON.stringify(entry)} ${why}`,
      'list files relative to the build folder, such as "*.js" or "config\\\\*.json"',
    );
  };
  if (path === '' || /[;"<>|:\r\n]/.test(path)) fail('is empty or holds ; " < > | or :');
  if (path.startsWith('\\') || path.split('\\').includes('..')) fail('leaves the build folder');
  const parts = path.split('\\');
  const file = parts.pop()!;
  if (file === '') fail('names a folder, not a file');
  if (parts.some((part) => /[*?]/.test(part))) fail('has a wildcard in a folder name; iisnode allows wildcards in the file name only');
  return path;
}
