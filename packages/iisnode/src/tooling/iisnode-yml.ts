/**
 * iisnode.yml: iisnode's overrides of the web.config settings, one `key: value` a line, `#` starts
 * a comment. iisnode reads it line by line and rejects the whole file at the first bad line (no
 * colon, a bad boolean), while a key it does not know is silently ignored; so adapt refuses both
 * at build time, naming the line. The key iisnode reads for the debugger ports is `debugPortRange`
 * (web.config calls it `debuggerPortRange`; the upstream sample file has the web.config name,
 * which iisnode ignores).
 */
import { configError } from './errors.js';

type Kind = 'uint' | 'bool' | 'string';

/** Every key iisnode's override parser knows (iisnode's CModuleConfiguration), with its value kind. */
export const iisnodeYmlKeys: Readonly<Record<string, Kind>> = {
  asyncCompletionThreadCount: 'uint',
  nodeProcessCountPerApplication: 'uint',
  maxConcurrentRequestsPerProcess: 'uint',
  nodeProcessStickySessions: 'uint',
  maxNamedPipeConnectionRetry: 'uint',
  namedPipeConnectionRetryDelay: 'uint',
  maxNamedPipeConnectionPoolSize: 'uint',
  maxNamedPipePooledConnectionAge: 'uint',
  initialRequestBufferSize: 'uint',
  maxRequestBufferSize: 'uint',
  uncFileChangesPollingInterval: 'uint',
  gracefulShutdownTimeout: 'uint',
  maxTotalLogFileSizeInKB: 'uint',
  maxLogFileSizeInKB: 'uint',
  maxLogFiles: 'uint',
  idlePageOutTimePeriod: 'uint',
  loggingEnabled: 'bool',
  devErrorsEnabled: 'bool',
  flushResponse: 'bool',
  debuggingEnabled: 'bool',
  debugHeaderEnabled: 'bool',
  recycleSignalEnabled: 'bool',
  enableXFF: 'bool',
  debuggerExtensionDll: 'string',
  debuggerVirtualDir: 'string',
  logDirectory: 'string',
  node_env: 'string',
  debugPortRange: 'string',
  watchedFiles: 'string',
  promoteServerVars: 'string',
  debuggerPathSegment: 'string',
  nodeProcessCommandLine: 'string',
  interceptor: 'string',
};

const renamed: Readonly<Record<string, string>> = { debuggerportrange: 'debugPortRange' };

/** The canonical key for `key` (iisnode compares keys without regard to case), or undefined. */
function knownKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  return Object.keys(iisnodeYmlKeys).find((known) => known.toLowerCase() === lower);
}

/** Why `value` is not legal for `key`, or undefined. */
function badValue(key: string, value: string): string | undefined {
  const kind = iisnodeYmlKeys[key];
  if (kind === 'uint' && !/^\d{1,10}$/.test(value)) return 'expected a whole number (0 or more)';
  if (kind === 'uint' && Number(value) > 0xffffffff) return 'expected a number below 4294967296';
  if (kind === 'bool' && !/^(?:true|false|yes|no|1|0)$/i.test(value)) return 'expected true or false';
  if (key === 'debugPortRange' && !/^\d{1,5}-\d{1,5}$/.test(value)) return 'expected a port range such as 5058-6058';
  return undefined;
}

export interface YmlLine {
  line: number;
  key: string;
  value: string;
}

/**
 * Checks an iisnode.yml as iisnode parses it; throws naming `file:line` and the fix. Returns the
 * settings it holds, in order.
 */
export function checkIisnodeYml(text: string, file = 'iisnode.yml'): YmlLine[] {
  const found: YmlLine[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const hash = raw.indexOf('#');
    const content = (hash === -1 ? raw : raw.slice(0, hash)).replace(/^ +| +$/g, '');
    if (content === '') return;
    const where = `${file}:${line}`;
    if (content.includes('\t'))
      throw configError(
        `${where}: a tab in ${JSON.stringify(raw.trim())}; iisnode separates with spaces only and rejects the whole file`,
        `replace the tab with spaces on line ${line}`,
      );
    const colon = content.indexOf(':');
    if (colon <= 0)
      throw configError(
        `${where}: ${JSON.stringify(raw.trim())} is not "key: value"; iisnode rejects the whole file for it`,
        `write it as key: value, or start the line with # to make it a comment`,
      );
    const key = content.slice(0, colon).trimEnd();
    if (/\s/.test(key))
      throw configError(
        `${where}: the key ${JSON.stringify(key)} has a space in it; iisnode rejects the whole file for it`,
        'write the key as one word, such as nodeProcessCountPerApplication',
      );
    const canonical = knownKey(key);
    if (!canonical) {
      const suggestion = renamed[key.toLowerCase()];
      throw configError(
        `${where}: iisnode does not know the key "${key}"${suggestion ? ` (in iisnode.yml it is "${suggestion}"; "${key}" is its web.config name)` : ''}, and would ignore it`,
        suggestion ? `rename it to ${suggestion}` : `the keys iisnode.yml takes are: ${Object.keys(iisnodeYmlKeys).join(', ')}`,
      );
    }
    const value = content.slice(colon + 1).trim();
    if (value === '') return; // iisnode skips an empty value
    const problem = badValue(canonical, value);
    if (problem) throw configError(`${where}: ${canonical}: ${problem}, got ${JSON.stringify(value)}`, `fix the value on line ${line}`);
    found.push({ line, key: canonical, value });
  });
  return found;
}

/** iisnode.yml for `values` (from `targets.iisnode.iisnodeYml`); every line checked as iisnode reads it. */
export function iisnodeYml(values: Readonly<Record<string, string | number | boolean>>): string {
  const lines = ['# written by adapt build --target iisnode: iisnode reads it over the <iisnode> settings of web.config'];
  for (const [key, value] of Object.entries(values)) {
    const text = String(value);
    if (/[#\r\n]/.test(text))
      throw configError(`targets.iisnode.iisnodeYml.${key}: ${JSON.stringify(text)} holds # or a line break, which iisnode.yml cannot carry`, 'remove it from the value');
    lines.push(`${key}: ${text}`);
  }
  const text = lines.join('\n') + '\n';
  try {
    checkIisnodeYml(text, 'iisnode.yml');
  } catch (error) {
    const e = error as Error & { hint: string };
    throw configError(`targets.iisnode.iisnodeYml: ${e.message.replace(/^iisnode\.yml:\d+: /, '')}`, e.hint.replace(/ on line \d+/, ''));
  }
  return text;
}
