/** `adapt build`: bundle, package, size report, for one target or every installed one. */
import { AdaptError, isAdaptError, type AdaptTarget } from '@adapt/core';
import { loadProject, pickStage } from '../../config.js';
import { targetContext } from '../../context.js';
import { buildTarget, type BuildReport } from '../../bundle.js';
import { usageError } from '../../errors.js';
import { formatBytes, shownPath, type Output } from '../../output.js';
import { installedTargetNames } from '../../resolve.js';
import { loadAllTargets, loadTarget } from '../../targets.js';

export interface BuildOptions {
  cwd: string;
  target?: string;
  out?: string;
  stage?: string;
  sourcemap: boolean;
  minify: boolean;
}

export async function runBuild(options: BuildOptions, output: Output): Promise<BuildReport[]> {
  if (!options.target) {
    const installed = installedTargetNames(options.cwd);
    throw usageError(
      'missing --target',
      `choose one of: ${[...installed, 'all'].join(', ')}, such as: adapt build --target ${installed.includes('node') ? 'node' : (installed[0] ?? 'node')}`,
    );
  }
  const project = await loadProject(options.cwd);
  const targets: AdaptTarget[] = options.target === 'all' ? await loadAllTargets(project.dir) : [await loadTarget(project.dir, options.target)];
  const picked = pickStage(project.config, options.stage);
  output.info(`stage ${picked.stage} (${picked.reason})`);
  const reports: BuildReport[] = [];
  const failures: Array<{ target: string; error: unknown }> = [];
  for (const target of targets) {
    try {
      const context = targetContext(project, target, output, { stage: options.stage, out: options.out, outPerTarget: options.target === 'all' });
      output.debug(`${target.name}: entry ${context.entry}, stage ${context.stage}, out ${context.outDir}`);
      reports.push(await buildTarget(target, context, { minify: options.minify, sourcemap: Boolean(options.sourcemap) }));
    } catch (error) {
      // with --target all, one target's failure does not stop the others
      if (targets.length === 1) throw error;
      failures.push({ target: target.name, error });
    }
  }
  if (failures.length > 0) {
    if (!output.json && reports.length > 0) process.stdout.write(reports.map((report) => sizeReport(report, output)).join('\n') + '\n');
    const detail = failures.map(({ target, error }) => `${target}: ${error instanceof Error ? error.message : String(error)}`).join('\n  ');
    const hint = failures.map(({ error }) => (isAdaptError(error) ? error.hint : undefined)).find((value) => value !== undefined);
    throw new AdaptError(
      'BUILD_FAILED',
      `${failures.length} of ${targets.length} targets failed to build (${reports.map((report) => report.target).join(', ') || 'none'} built):\n  ${detail}`,
      {
        hint: hint ?? 'fix the errors above and build again',
        cause: failures[0].error,
      },
    );
  }
  output.result({ ok: true, stage: picked, builds: reports }, () => reports.map((report) => sizeReport(report, output)).join('\n'));
  return reports;
}

export function sizeReport(report: BuildReport, output: Output): string {
  const { bold, dim } = output.resultColors;
  const width = Math.max(...report.files.map((file) => file.path.length), 4);
  const rows = report.files.map(
    (file) => `  ${file.path.padEnd(width)}  ${formatBytes(file.bytes).padStart(10)}  ${formatBytes(file.gzipBytes).padStart(10)} gzip  ${dim(file.description)}`,
  );
  const where = shownPath(report.outDir);
  return [`${bold(report.target)} (stage ${report.stage}) -> ${where}/ in ${report.durationMs} ms`, ...rows].join('\n');
}
