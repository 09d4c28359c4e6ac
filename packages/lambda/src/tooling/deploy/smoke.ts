/**
 * The smoke test after the alias moves: a GET to the public Function URL, or an Invoke of the alias
 * with a synthetic GET event when there is no public URL (or the endpoint is local). A 5xx, a
 * function error or no answer fails it.
 */
import { resultToResponse, syntheticHttpEvent } from '../event.js';
import type { AwsClients } from '../aws.js';
import type { StepContext } from './_steps.js';

export type SmokeOutcome = { ok: true; status: number; via: 'url' | 'invoke' } | { ok: false; reason: string; via: 'url' | 'invoke' };

export async function smokeTest(
  step: Pick<StepContext, 'clients' | 'fetch'>,
  via: 'url' | 'invoke',
  target: { functionName: string; alias: string; url: string | undefined; path: string },
): Promise<SmokeOutcome> {
  if (via === 'url' && target.url) return smokeUrl(step.fetch, target.url, target.path);
  return smokeInvoke(step.clients, target.functionName, target.alias, target.path);
}

/** GET `path` on the URL: a 5xx or no answer fails; redirects are not followed (they count as answers). */
export async function smokeUrl(fetcher: typeof fetch, base: string, path: string): Promise<SmokeOutcome> {
  const url = new URL(path, base);
  try {
    const response = await fetcher(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    if (response.status >= 500) return { ok: false, via: 'url', reason: `GET ${url} answered ${response.status}` };
    return { ok: true, via: 'url', status: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, via: 'url', reason: `GET ${url} failed: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}` };
  }
}

/** Invokes the alias with a synthetic GET event and reads the HTTP result it answers. */
export async function smokeInvoke(clients: AwsClients, functionName: string, alias: string, path: string): Promise<SmokeOutcome> {
  const target = { functionName, alias, path };
  const { lambda, lambdaSdk } = clients;
  try {
    const answer = await lambda.send(
      new lambdaSdk.InvokeCommand({
        FunctionName: target.functionName,
        Qualifier: target.alias,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(syntheticHttpEvent({ method: 'GET', path: target.path }))),
      }),
    );
    const payload = Buffer.from(answer.Payload ?? new Uint8Array());
    if (answer.FunctionError) {
      return { ok: false, via: 'invoke', reason: `the function failed (${answer.FunctionError}): ${payload.toString('utf8').slice(0, 500)}` };
    }
    let parsed: unknown;
    let json = true;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      json = false;
    }
    // adapt's handler always answers an HTTP event with a statusCode (or, streamed, a prelude):
    // anything else means the deployed code is not the app's handler.
    let status: number;
    if (json && parsed !== null && typeof parsed === 'object' && typeof (parsed as { statusCode?: unknown }).statusCode === 'number') {
      status = (parsed as { statusCode: number }).statusCode;
    } else {
      try {
        if (json) throw new Error('no statusCode');
        status = resultToResponse(undefined, payload).status;
      } catch {
        return { ok: false, via: 'invoke', reason: `the function's answer is not an HTTP result: ${payload.toString('utf8').slice(0, 200)}` };
      }
    }
    if (status >= 500) return { ok: false, via: 'invoke', reason: `GET ${target.path} through Invoke answered ${status}` };
    return { ok: true, via: 'invoke', status };
  } catch (error) {
    return { ok: false, via: 'invoke', reason: `Invoke failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
