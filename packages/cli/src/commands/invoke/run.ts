/** `adapt invoke`: load the target and run one input through its built entry. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AdaptError, type InvokeResult } from '@adapt/core';
import { loadProject } from '../../config.js';
import { targetContext } from '../../context.js';
import { usageError } from '../../errors.js';
import type { Output } from '../../output.js';
import { installedTargetNames } from '../../resolve.js';
import { loadTarget, requireCapability } from '../../targets.js';

export interface InvokeRunOptions {
  cwd: string;
  target?: string;
  event?: string;
  path?: string;
  method: string;
  stage?: string;
  out?: string;
}

export async function runInvoke(options: InvokeRunOptions, output: Output): Promise<InvokeResult> {
  if (!options.target || options.target === 'all') {
    throw usageError('invoke needs one --target', `choose one of: ${installedTargetNames(options.cwd).join(', ')}`);
  }
  const event = options.event === undefined ? undefined : resolve(options.cwd, options.event);
  if (event && !existsSync(event)) throw new AdaptError('USAGE', `event file ${options.event} does not exist`, { hint: 'give the path of a JSON event file', exitCode: 2 });
  const project = await loadProject(options.cwd);
  const target = await loadTarget(project.dir, options.target);
  const invoke = await requireCapability(project.dir, target, 'invoke');
  const context = targetContext(project, target, output, { stage: options.stage, out: options.out });
  const result = await invoke(context, { event, path: options.path, method: options.method.toUpperCase() });
  output.result({ ok: true, ...result }, () => {
    const { response } = result;
    const head = [
      `HTTP ${response.status}`,
      ...Object.entries(response.headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${name}: ${item}`)),
    ];
    const body = response.bodyEncoding === 'base64' ? `(base64) ${response.body}` : response.body;
    return `result (what the platform receives):\n${JSON.stringify(result.result, null, 2)}\n\nthe HTTP response it stands for:\n${head.join('\n')}\n\n${body}`;
  });
  return result;
}
