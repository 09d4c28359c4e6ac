/**
 * `node:http`, reached without an ESM import. On Node 22 and later, `import ... from 'node:http'`
 * builds the module's namespace, which reads every export, `http.WebSocket`, `CloseEvent` and
 * `MessageEvent` included: lazy getters that load undici (45-65 ms, what the cold path avoids).
 * `process.getBuiltinModule` (Node 20.16+) hands over the module's exports as they are. Runtime
 * code imports types only from 'node:http' and takes values from here.
 */
import type * as Http from 'node:http';

let http: typeof Http | undefined;

export function nodeHttp(): typeof Http {
  http ??= process.getBuiltinModule('node:http') as typeof Http;
  return http;
}
