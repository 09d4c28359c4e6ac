/**
 * The runner interface: a target delivers a generic request through its real entry (a socket,
 * a Lambda event, the functions-framework...) and turns the platform's answer back into HTTP.
 */

export interface CaseRequest {
  method: string;
  /** Raw path and query, exactly as a client would put them on the request line. */
  path: string;
  headers?: Array<[string, string]>;
  body?: Uint8Array | string;
}

export interface CaseResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface Runner {
  /** Shown in test names, such as `node (socket)` or `lambda (apigw-v1)`. */
  name: string;
  deliver(request: CaseRequest): Promise<CaseResponse>;
  close?(): Promise<void>;
}

/**
 * What a case needs beyond plain HTTP: `context` reads the adapt context and `fetch-api` observes
 * the Request object itself; a Node `(req, res)` app can show neither. A suite given
 * `lacks: [...]` skips the cases that need them (see `SuiteOptions`).
 */
export type Feature = 'context' | 'fetch-api';

export function bytesOf(body: Uint8Array | string | undefined): Uint8Array<ArrayBuffer> {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
}
