/** `adapt init`: copies a template (fetch, hono, express) and fills in the app name. */
import { AdaptError } from '@adapt/core';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Output } from '../../output.js';
import type { TemplateName } from './index.js';

export interface InitOptions {
  cwd: string;
  dir: string;
  template: TemplateName;
  name?: string;
  force: boolean;
}

export interface InitResult {
  dir: string;
  template: TemplateName;
  name: string;
  files: string[];
}

/** The templates folder ships beside dist/ in the package. */
export const templatesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../templates');

/** Files whose names npm would mangle on publish are stored without their dot. */
const renamed: Record<string, string> = { gitignore: '.gitignore' };

export async function runInit(options: InitOptions, output: Output): Promise<InitResult> {
  const dir = resolve(options.cwd, options.dir);
  const source = join(templatesDir, options.template);
  if (!existsSync(source)) throw new AdaptError('INIT_FAILED', `template "${options.template}" is missing from this install (${source})`, { hint: 'reinstall @adapt/cli' });
  const name = validName(options.name ?? basename(dir));
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.force) {
    throw new AdaptError('INIT_FAILED', `${relative(options.cwd, dir) || '.'} is not empty`, {
      hint: 'choose a new folder, such as: adapt init my-app, or add --force to write the template files into it',
    });
  }
  const files: string[] = [];
  const copy = (from: string, to: string) => {
    for (const entry of readdirSync(from).sort()) {
      const fromPath = join(from, entry);
      const toPath = join(to, renamed[entry] ?? entry);
      if (statSync(fromPath).isDirectory()) {
        mkdirSync(toPath, { recursive: true });
        copy(fromPath, toPath);
      } else {
        writeFileSync(toPath, readFileSync(fromPath, 'utf8').replaceAll('{{name}}', name));
        files.push(relative(dir, toPath).split('\\').join('/'));
      }
    }
  };
  mkdirSync(dir, { recursive: true });
  copy(source, dir);
  const result: InitResult = { dir, template: options.template, name, files };
  const where = relative(options.cwd, dir);
  output.result({ ok: true, ...result }, () =>
    [
      `Created ${name} (${options.template}) in ${where || '.'}: ${files.length} files.`,
      '',
      'Next:',
      ...(where ? [`  cd ${where}`] : []),
      '  npm install',
      '  npx adapt dev',
    ].join('\n'),
  );
  return result;
}

function validName(raw: string): string {
  const name = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '');
  if (!name) throw new AdaptError('USAGE', `"${raw}" cannot be turned into a package name`, { hint: 'pass --name my-app', exitCode: 2 });
  return name;
}
