/** A TargetContext for tests: a fixture project in a temp folder and a logger that keeps every line. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSettings, type AdaptConfig, type TargetContext, type TargetLogger } from '@adapt/core';
import { readAppManifest } from '../../../cli/src/task-runner.js';

export interface RecordingLogger extends TargetLogger {
  lines: string[];
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    text: () => lines.join('\n'),
    info: (message) => void lines.push(message),
    warn: (message) => void lines.push(`warn: ${message}`),
    debug: (message) => void lines.push(`debug: ${message}`),
    async step(title, run) {
      lines.push(`step: ${title}`);
      try {
        const value = await run();
        lines.push(`done: ${title}`);
        return value;
      } catch (error) {
        lines.push(`failed: ${title}`);
        throw error;
      }
    },
  };
}

export interface FixtureProject {
  dir: string;
  entry: string;
  /** Rewrites the app module. */
  writeApp(source: string): Promise<void>;
  context(options: { config: AdaptConfig; stage?: string; outDir?: string; log?: RecordingLogger }): TargetContext & { log: RecordingLogger };
  remove(): Promise<void>;
}

/** A fetch app answering `text` on every path, except 500 on /fail. */
export function fetchAppSource(text: string): string {
  return [
    'export default {',
    '  async fetch(request) {',
    '    const url = new URL(request.url);',
    "    if (url.pathname === '/fail') return new Response('broken', { status: 500 });",
    `    return new Response(${JSON.stringify(text)} + ' ' + url.pathname, { headers: { 'content-type': 'text/plain' } });`,
    '  },',
    '};',
    '',
  ].join('\n');
}

export async function fixtureProject(appSource: string, packageJson: Record<string, unknown> = {}): Promise<FixtureProject> {
  const dir = await mkdtemp(path.join(tmpdir(), 'adapt-lambda-'));
  await mkdir(path.join(dir, 'src'));
  const entry = path.join(dir, 'src', 'app.mjs');
  await writeFile(entry, appSource);
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture-app', type: 'module', private: true, ...packageJson }, null, 2));
  return {
    dir,
    entry,
    writeApp: (source) => writeFile(entry, source),
    context({ config, stage = config.defaultStage ?? 'dev', outDir = path.join(dir, '.adapt', 'lambda'), log = recordingLogger() }) {
      const context: TargetContext & { log: RecordingLogger } = {
        cwd: dir,
        entry,
        outDir,
        stage,
        settings: resolveSettings(config, 'lambda', stage),
        config,
        appName: 'fixture-app',
        production: true,
        log,
        readAppManifest: () => readAppManifest(context),
      };
      return context;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
