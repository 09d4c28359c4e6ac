/** Builds the TargetContext a target receives: project, entry, stage, settings, output folder. */
import { basename, isAbsolute, join, resolve } from 'node:path';
import { checkTargetSettings, resolveSettings, type AdaptTarget, type TargetContext } from '@adapt/core';
import { findEntry, pickStage, type Project } from './config.js';
import type { Output } from './output.js';
import { readAppManifest } from './task-runner.js';

export interface ContextOptions {
  stage?: string;
  out?: string;
  production?: boolean;
  /** When one --out is given for several targets, each goes to <out>/<target>. */
  outPerTarget?: boolean;
}

export function targetContext(project: Project, target: AdaptTarget, output: Output, options: ContextOptions): TargetContext {
  if (target.settings) checkTargetSettings(project.config, target.name, target.settings, basename(project.configFile ?? 'adapt.config.ts'));
  const stage = pickStage(project.config, options.stage).stage;
  let outDir = join(project.dir, '.adapt', target.name);
  if (options.out) {
    const out = isAbsolute(options.out) ? options.out : resolve(process.cwd(), options.out);
    outDir = options.outPerTarget ? join(out, target.name) : out;
  }
  let manifest: ReturnType<TargetContext['readAppManifest']> | undefined;
  const context: TargetContext = {
    cwd: project.dir,
    entry: findEntry(project),
    outDir,
    stage,
    settings: resolveSettings(project.config, target.name, stage),
    config: project.config,
    appName: project.appName,
    production: options.production ?? true,
    log: output,
    readAppManifest: () => {
      manifest ??= readAppManifest(context);
      return manifest;
    },
  };
  return context;
}
