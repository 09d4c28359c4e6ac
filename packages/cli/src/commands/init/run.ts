/** `adapt init`: copies a template (fetch, hono, express) and fills in the app name. */
import { AdaptError } from '@adapt/core';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Output } from '../../output.js';
import type { TemplateName } from './index.js';
import { checkoutOfThisCli, findAdaptSource, pointAtSource, type AdaptSource } from './sources.js';

export interface InitOptions {
  cwd: string;
  dir: string;
  template: TemplateName;
  name?: string;
  force: boolean;
  /** A folder of tarballs from `npm run pack`, or an adapt checkout: where @adapt/* come from. */
  adaptFrom?: string;
}

export interface InitResult {
  dir: string;
  template: TemplateName;
  name: string;
  files: string[];
  /** Where the app's @adapt/* packages come from; null: the npm registry. */
  adaptFrom: AdaptSource | null;
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
  const adaptFrom = options.adaptFrom === undefined ? null : findAdaptSource(options.cwd, options.adaptFrom);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.force) {
    throw new AdaptError('INIT_FAILED', `${relative(options.cwd, dir) || '.'} is not empty`, {
      hint: 'choose a new folder, such as: adapt init my-app, or add --force to write the template files into it',
    });
  }
  // The app's package.json, pointed at --adapt-from before anything is written: a refusal leaves no half-made app.
  const template = readFileSync(join(source, 'package.json'), 'utf8').replaceAll('{{name}}', name);
  const manifest = adaptFrom ? pointAtSource(JSON.parse(template), adaptFrom, dir) : undefined;
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
  if (manifest) writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const result: InitResult = { dir, template: options.template, name, files, adaptFrom };
  const where = relative(options.cwd, dir);
  output.result({ ok: true, ...result }, () =>
    [
      `Created ${name} (${options.template}) in ${where || '.'}: ${files.length} files.`,
      ...(adaptFrom ? [`@adapt/* come from ${adaptFrom.kind === 'tarballs' ? 'the tarballs in' : 'the checkout at'} ${adaptFrom.dir} (file: dependencies).`] : []),
      '',
      'Next:',
      ...(where ? [`  cd ${where}`] : []),
      '  npm install',
      '  npx adapt dev',
      ...(adaptFrom ? [] : registryNote(options)),
    ].join('\n'),
  );
  return result;
}

/** Without --adapt-from the app asks the registry for @adapt/*, which does not have them yet. */
function registryNote(options: InitOptions): string[] {
  const checkout = checkoutOfThisCli(dirname(templatesDir));
  const again = `adapt init ${options.dir} --template ${options.template} --force --adapt-from`;
  return [
    '',
    'Note: @adapt/* are not published on the npm registry yet; until they are, npm install fails with E404 for them.',
    ...(checkout
      ? [`This adapt runs from the checkout at ${checkout}; point the app at it:`, `  ${again} ${checkout}`]
      : [
          'Point the app at an adapt checkout (after npm ci && npm run build in it), or at the tarballs its npm run pack writes:',
          `  ${again} <checkout>`,
          `  ${again} <checkout>/.adapt-pack`,
        ]),
  ];
}

function validName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  if (!name) throw new AdaptError('USAGE', `"${raw}" cannot be turned into a package name`, { hint: 'pass --name my-app', exitCode: 2 });
  return name;
}
