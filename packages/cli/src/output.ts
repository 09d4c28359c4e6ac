/**
 * What the CLI prints. The result goes to stdout (one JSON document with --json, nothing else);
 * progress, warnings and errors go to stderr. No ANSI codes unless stderr is a TTY and NO_COLOR
 * is unset (FORCE_COLOR forces them).
 */
import { isAbsolute, relative } from 'node:path';
import pc from 'picocolors';
import type { TargetLogger } from '@adapt/core';
import { errorReport, type ErrorReport } from './errors.js';

export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
}

export interface Output extends TargetLogger {
  readonly json: boolean;
  readonly verbose: boolean;
  /** Colors for stderr (progress, errors). */
  readonly colors: ReturnType<typeof pc.createColors>;
  /** Colors for the human result on stdout. */
  readonly resultColors: ReturnType<typeof pc.createColors>;
  /** The command's result: JSON on stdout with --json, else the human text. */
  result(value: unknown, human: () => string): void;
  error(error: unknown): ErrorReport;
}

export function colorsEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createOutput(options: GlobalOptions): Output {
  const stderr = process.stderr;
  const color = colorsEnabled(stderr);
  const colors = pc.createColors(color);
  const animate = color && Boolean(stderr.isTTY);
  const line = (text: string) => stderr.write(text + '\n');

  return {
    json: options.json,
    verbose: options.verbose,
    colors,
    resultColors: pc.createColors(!options.json && colorsEnabled(process.stdout)),
    info(message) {
      if (!options.json) line(message);
    },
    warn(message) {
      line(`${colors.yellow('warning:')} ${message}`);
    },
    debug(message) {
      if (options.verbose) line(colors.dim(message));
    },
    async step(title, run) {
      const started = performance.now();
      const elapsed = () => `${Math.round(performance.now() - started)} ms`;
      let timer: NodeJS.Timeout | undefined;
      if (!options.json) {
        if (animate) {
          let frame = 0;
          const draw = () => stderr.write(`\r${colors.cyan(spinnerFrames[frame++ % spinnerFrames.length])} ${title}`);
          draw();
          timer = setInterval(draw, 80);
          timer.unref();
        } else {
          line(`- ${title}...`);
        }
      }
      const clear = () => {
        if (timer) clearInterval(timer);
        if (animate && !options.json) stderr.write('\r\x1b[2K');
      };
      try {
        const value = await run();
        clear();
        if (!options.json) line(`${colors.green('✓')} ${title} ${colors.dim(`(${elapsed()})`)}`);
        return value;
      } catch (error) {
        clear();
        if (!options.json) line(`${colors.red('✗')} ${title} ${colors.dim(`(failed after ${elapsed()})`)}`);
        throw error;
      }
    },
    result(value, human) {
      if (options.json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
      else {
        const text = human();
        if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
      }
    },
    error(error) {
      const report = errorReport(error, options.verbose);
      let text = `${colors.red('error:')} ${report.message}`;
      if (report.hint) text += `\n  ${report.hint}`;
      if (report.stack) text += `\n\n${colors.dim(report.stack)}`;
      line(text);
      if (options.json) process.stdout.write(JSON.stringify({ ok: false, error: report }, null, 2) + '\n');
      return report;
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** A path relative to the current folder when it is inside it, else absolute. */
export function shownPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' ? '.' : shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}
