/**
 * The iisnode target's settings (under `targets.iisnode` in adapt.config.ts), declared in
 * `iisnodeSettingsSchema` and validated by @adapt/core's settings schema, plus the shared ones it
 * uses (static, env).
 */
import { checkResolvedSettings, checks, type SettingCheck, type SettingsSchema, type TargetContext, type TrustProxy } from '@adapt/core';
import { normalizeBasePath } from '../base-path.js';
import { promotedNames } from '../headers.js';
import { azureSettingCheck } from './azure-settings.js';
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

/** Files whose change recycles the node processes: the entry, the bundle and the overrides. */
export const defaultWatchedFiles = ['web.config', 'index.cjs', 'server.mjs', 'iisnode.yml'];

const basePathCheck: SettingCheck = (value) => {
  try {
    if (typeof value === 'string') normalizeBasePath(value);
    return typeof value === 'string' ? undefined : 'the virtual directory as a URL path, such as "/app"';
  } catch {
    return 'the virtual directory as a URL path, such as "/app"';
  }
};
const serverVariablesCheck: SettingCheck = (value) => {
  const expected = 'a list of IIS server variable names (letters, digits and _), such as ["AUTH_USER"]';
  if (!Array.isArray(value) && typeof value !== 'string') return expected;
  try {
    promotedNames(value as string | string[]);
    return undefined;
  } catch {
    return expected;
  }
};
const ymlCheck: SettingCheck = (value) =>
  value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((item) => ['string', 'number', 'boolean'].includes(typeof item))
    ? undefined
    : 'an object of iisnode.yml keys and values, such as { debugPortRange: "5058-6058" }';

/** The iisnode target's own settings, beside the shared ones; one line each. */
export const iisnodeSettingsSchema: SettingsSchema = {
  mode: {
    check: checks.oneOf(['iisnode', 'httpPlatform']),
    description: 'iisnode (the iisnode module, a named pipe) or httpPlatform (HttpPlatformHandler starts node on a port).',
    example: '"httpPlatform"',
  },
  basePath: { check: basePathCheck, description: "The application's virtual directory in IIS, removed from every URL.", example: '"/app"' },
  nodeProcessCountPerApplication: { check: checks.integer(0, 64), description: "iisnode's node processes per application; 0 is one per CPU.", example: '2' },
  enableXFF: { check: checks.boolean, description: "iisnode's enableXFF: the client is the last X-Forwarded-For entry.", example: 'true' },
  promoteServerVars: { check: serverVariablesCheck, description: 'IIS server variables iisnode forwards, on context.serverVariables.', example: '["AUTH_USER", "REMOTE_ADDR"]' },
  watchedFiles: {
    check: checks.stringList,
    description: 'More files whose change recycles the app, relative to the build; a wildcard in the file name only.',
    example: '["config/*.json"]',
  },
  iisnodeYml: { check: ymlCheck, description: 'iisnode.yml lines, checked as iisnode parses them.', example: '{ debugPortRange: "5058-6058" }' },
  nodePath: {
    check: checks.matches(/^[^"<>&]+$/, 'the path of node.exe on the server'),
    description: 'node.exe as IIS starts it.',
    example: '"C:\\\\Program Files\\\\nodejs\\\\node.exe"',
  },
  azureNodeVersion: {
    check: checks.oneOf(azureNodeVersions),
    description: 'WEBSITE_NODE_DEFAULT_VERSION: a Node version Azure App Service on Windows still offers.',
    example: '"~24"',
  },
  azure: {
    check: azureSettingCheck,
    description: 'Where adapt deploy --to azure ships the build: subscription, resourceGroup, site, slot, auth, endpoint, timeout.',
    example: '{ resourceGroup: "shop-rg", site: "shop-web" }',
  },
};

/** The iisnode target's settings with their defaults, checked against the schema (core's validation). */
export function iisnodeSettings(context: TargetContext): IisnodeTargetSettings {
  const s = context.settings;
  checkResolvedSettings(s, 'iisnode', iisnodeSettingsSchema);
  const watched = (s.watchedFiles as string[] | undefined) ?? [];
  return {
    mode: (s.mode as IisnodeMode | undefined) ?? 'iisnode',
    basePath: normalizeBasePath(s.basePath as string | undefined),
    nodeProcessCountPerApplication: (s.nodeProcessCountPerApplication as number | undefined) ?? 1,
    enableXFF: (s.enableXFF as boolean | undefined) ?? false,
    promoteServerVars: [...promotedNames(s.promoteServerVars as string | string[] | undefined).values()],
    watchedFiles: [...defaultWatchedFiles, ...watched.map(watchedFile).filter((entry) => !defaultWatchedFiles.includes(entry))],
    iisnodeYml: s.iisnodeYml === undefined ? undefined : { ...(s.iisnodeYml as Record<string, string | number | boolean>) },
    nodePath: (s.nodePath as string | undefined) ?? 'node.exe',
    azureNodeVersion: (s.azureNodeVersion as string | undefined) ?? defaultAzureNodeVersion,
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
