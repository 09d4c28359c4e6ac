/**
 * The Lambda target's local Runtime API (packages/lambda/src/tooling/runtime-api.ts), with each
 * answer collected whole, for the tests that run built handlers under the real aws-lambda-ric.
 */
import { RuntimeApi as LocalRuntimeApi, type RuntimeAnswer } from '../../packages/lambda/src/tooling/runtime-api.js';

export interface InvocationOutcome {
  kind: 'response' | 'error';
  /** The request headers of the POST (content-type, response mode...). */
  headers: RuntimeAnswer['headers'];
  trailers: Record<string, string | undefined>;
  body: Buffer;
}

export class RuntimeApi {
  readonly #api: LocalRuntimeApi;

  private constructor(api: LocalRuntimeApi) {
    this.#api = api;
  }

  static async start(): Promise<RuntimeApi> {
    return new RuntimeApi(await LocalRuntimeApi.start());
  }

  get address(): string {
    return this.#api.address;
  }

  get initErrors(): string[] {
    return this.#api.initErrors;
  }

  /** Queues an event; resolves with what the runtime posted back for it. */
  async invoke(event: unknown, timeoutMs = 30_000): Promise<InvocationOutcome> {
    const answer = await this.#api.invoke(event, { timeoutMs, functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ric-test' }).answer;
    const chunks: Buffer[] = [];
    for await (const chunk of answer.body) chunks.push(chunk as Buffer);
    const trailers = await answer.ended;
    const failed = answer.path === 'error' || trailers['lambda-runtime-function-error-type'] !== undefined;
    return { kind: failed ? 'error' : 'response', headers: answer.headers, trailers, body: Buffer.concat(chunks) };
  }

  close(): Promise<void> {
    return this.#api.close();
  }
}

/** Splits a streamed HTTP integration response: JSON prelude, 8 NUL bytes, body. */
export function splitPrelude(body: Buffer): { prelude: { statusCode: number; headers?: Record<string, string>; cookies?: string[] }; body: Buffer } {
  const nul = body.indexOf(Buffer.alloc(8));
  if (nul === -1) throw new Error(`no prelude delimiter in ${body.length} bytes: ${body.subarray(0, 80).toString()}`);
  return { prelude: JSON.parse(body.subarray(0, nul).toString()), body: body.subarray(nul + 8) };
}
