/**
 * The CommonJS shim: the one file a host that loads apps with `require()` is pointed at (iisnode's
 * interceptor, Phusion Passenger's Node loader, a CGI host running app.cgi). The bundle is an ES
 * module that may use top-level await, which `require()` cannot load (ERR_REQUIRE_ESM on Node 20,
 * ERR_REQUIRE_ASYNC_MODULE later); `import()` from CommonJS can, so the shim `import()`s it.
 * One home for the iisnode, node (Passenger) and cgi targets.
 */
export interface CommonjsShim {
  /** The bundle beside the shim, such as `server.mjs`. */
  bundleFile: string;
  /** Comment lines (without `//`): who loads the shim and what the bundle does. */
  comment: string[];
  /** `#!` line for a script the host executes (app.cgi). */
  shebang?: string;
  /** Statements run before the bundle is imported. */
  before?: string[];
  /** The line logged with the error when the bundle fails to load. */
  failureMessage: string;
  /** Statements run when it fails, before the line is logged. */
  beforeFailureLog?: string[];
  /** Statements run when it fails, after the line is logged (the exit). */
  afterFailureLog: string[];
}

export function commonjsShimSource(shim: CommonjsShim): string {
  const indent = (lines: readonly string[] = []) => lines.map((line) => `  ${line}`);
  return [
    ...(shim.shebang ? [`#!${shim.shebang}`] : []),
    "'use strict';",
    ...shim.comment.map((line) => `// ${line}`),
    "const { join } = require('node:path');",
    "const { pathToFileURL } = require('node:url');",
    ...(shim.before ?? []),
    `import(pathToFileURL(join(__dirname, ${JSON.stringify(shim.bundleFile)})).href).catch((error) => {`,
    ...indent(shim.beforeFailureLog),
    `  console.error('${shim.failureMessage.replace(/[\\']/g, (c) => `\\${c}`)}', error && error.message ? error.message : error);`,
    ...indent(shim.afterFailureLog),
    '});',
    '',
  ].join('\n');
}
