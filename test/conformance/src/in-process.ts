/**
 * The reference runner: builds a standard Request, calls the app in this process, and applies
 * the contract's own rules (an error becomes adapt's error answer, HEAD drops the body).
 */
import { appFetch, errorResponse, WaitUntilList, type App, type AppContext } from '@adapt/core';
import { bytesOf, type CaseRequest, type CaseResponse, type Runner } from './runner.js';

export interface InProcessOptions {
  name?: string;
  origin?: string;
}

export function createInProcessRunner(app: App, options: InProcessOptions = {}): Runner {
  const fetch = appFetch(app);
  const origin = options.origin ?? 'http://localhost';
  const waitUntil = new WaitUntilList();
  return {
    name: options.name ?? 'in-process',
    async deliver(input: CaseRequest): Promise<CaseResponse> {
      const hasBody = input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD';
      const request = new Request(origin + input.path, {
        method: input.method,
        headers: input.headers,
        body: hasBody ? bytesOf(input.body) : undefined,
      });
      const context: AppContext = {
        platform: 'test',
        env: process.env,
        remoteAddress: '127.0.0.1',
        waitUntil: waitUntil.add,
        raw: { request },
      };
      let response: Response;
      try {
        response = await fetch(request, context);
      } catch (error) {
        response = errorResponse(error);
      }
      const body = input.method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers: response.headers, body };
    },
    async close() {
      await waitUntil.settle();
    },
  };
}
