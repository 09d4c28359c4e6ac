/**
 * One description of an App Engine version, two spellings: the Admin API's Version resource (what
 * deploy sends) and app.yaml (what `gcloud app deploy` reads). The static folder is served by App
 * Engine itself: a handler per top-level entry, then everything else goes to the app.
 */
import type { ResolvedGoogleSettings } from './settings.js';

export interface StaticHandler {
  /** app.yaml's url (a prefix for a folder). */
  url: string;
  file: string;
  directory: boolean;
}

export interface AppEngineVersionSpec {
  runtime: string;
  instanceClass: string;
  automaticScaling?: { standardSchedulerSettings: { minInstances?: number; maxInstances?: number } };
  basicScaling?: { maxInstances: number; idleTimeout?: string };
  envVariables?: Record<string, string>;
  inboundServices: string[];
  handlers: Record<string, unknown>[];
  entrypoint: { shell: string };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function staticHandlers(entries: { name: string; directory: boolean }[]): StaticHandler[] {
  return entries.map((entry) => ({ url: `/${entry.name}`, file: `static/${entry.name}`, directory: entry.directory }));
}

export function appEngineVersion(settings: ResolvedGoogleSettings, statics: StaticHandler[]): AppEngineVersionSpec {
  const handlers: Record<string, unknown>[] = statics.map((handler) =>
    handler.directory
      ? {
          urlRegex: `${escapeRegex(handler.url)}/(.*)`,
          staticFiles: { path: `${handler.file}/\\1`, uploadPathRegex: `${escapeRegex(handler.file)}/.*` },
          securityLevel: 'SECURE_ALWAYS',
        }
      : { urlRegex: escapeRegex(handler.url), staticFiles: { path: handler.file, uploadPathRegex: escapeRegex(handler.file) }, securityLevel: 'SECURE_ALWAYS' },
  );
  handlers.push({ urlRegex: '.*', script: { scriptPath: 'auto' }, securityLevel: 'SECURE_ALWAYS' });
  const spec: AppEngineVersionSpec = {
    runtime: settings.runtime,
    instanceClass: settings.instanceClass,
    inboundServices: ['INBOUND_SERVICE_WARMUP'],
    handlers,
    entrypoint: { shell: 'npm start' },
  };
  const scaling = settings.scaling;
  if (scaling && typeof scaling.basic === 'object' && scaling.basic !== null) {
    const basic = scaling.basic as { maxInstances?: number; idleTimeout?: string };
    spec.basicScaling = { maxInstances: basic.maxInstances ?? 1, ...(basic.idleTimeout ? { idleTimeout: basic.idleTimeout } : {}) };
  } else if (scaling) {
    const { minInstances, maxInstances } = scaling as { minInstances?: number; maxInstances?: number };
    spec.automaticScaling = { standardSchedulerSettings: { ...(minInstances !== undefined ? { minInstances } : {}), ...(maxInstances !== undefined ? { maxInstances } : {}) } };
  }
  if (Object.keys(settings.env).length) spec.envVariables = settings.env;
  return spec;
}

const q = (value: unknown) => JSON.stringify(value);

/** app.yaml for the same version (JSON strings are YAML scalars, so every value is quoted the same way). */
export function appYaml(settings: ResolvedGoogleSettings, spec: AppEngineVersionSpec): string {
  const lines = [`runtime: ${spec.runtime}`, `service: ${settings.name}`, `instance_class: ${spec.instanceClass}`, 'entrypoint: npm start'];
  if (spec.automaticScaling) {
    lines.push('automatic_scaling:');
    const s = spec.automaticScaling.standardSchedulerSettings;
    if (s.minInstances !== undefined) lines.push(`  min_instances: ${s.minInstances}`);
    if (s.maxInstances !== undefined) lines.push(`  max_instances: ${s.maxInstances}`);
  }
  if (spec.basicScaling) {
    lines.push('basic_scaling:', `  max_instances: ${spec.basicScaling.maxInstances}`);
    if (spec.basicScaling.idleTimeout) lines.push(`  idle_timeout: ${spec.basicScaling.idleTimeout}`);
  }
  lines.push('inbound_services:', '  - warmup');
  if (spec.envVariables) {
    lines.push('env_variables:');
    for (const [key, value] of Object.entries(spec.envVariables)) lines.push(`  ${key}: ${q(value)}`);
  }
  lines.push('handlers:');
  for (const handler of spec.handlers) {
    const files = handler.staticFiles as { path: string; uploadPathRegex: string } | undefined;
    if (!files) continue;
    const directory = files.path.endsWith('/\\1');
    lines.push(
      `  - url: ${q(
        directory
          ? String(handler.urlRegex)
              .replace(/\/\(\.\*\)$/, '')
              .replace(/\\(.)/g, '$1')
          : String(handler.urlRegex).replace(/\\(.)/g, '$1'),
      )}`,
    );
    if (directory) lines.push(`    static_dir: ${q(files.path.replace(/\/\\1$/, ''))}`);
    else lines.push(`    static_files: ${q(files.path)}`, `    upload: ${q(files.uploadPathRegex)}`);
    lines.push('    secure: always');
  }
  lines.push('  - url: "/.*"', '    script: auto', '    secure: always', '');
  return lines.join('\n');
}
