/** Shared setup of the moto-backed deploy tests: credentials for the local endpoint, SDK clients to read state back. */
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AdaptTarget, TargetContext } from '@adapt/core';
import { createLambdaTarget } from '../../src/tooling/index.js';

export const region = 'us-east-1';

/** moto accepts any keys; these keep the SDK's chain from looking further. */
export function useLocalCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // the readers below are SDK clients made by the tests, not by adapt: keep the SDK's Node 20 notice out of the log
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
}

/** Clients aimed straight at moto, for reading state back. */
export function readers(endpoint: string): { lambda: LambdaClient; iam: IAMClient } {
  return { lambda: new LambdaClient({ region, endpoint }), iam: new IAMClient({ region, endpoint }) };
}

/** The target with fast retries; waiters keep the SDK's 1 s floor between polls. */
export function fastTarget(): AdaptTarget {
  return createLambdaTarget({
    backoff: { attempts: 4, baseMs: 20, maxMs: 100 },
    waiter: { minDelay: 1, maxDelay: 1, maxWaitTime: 30 },
  });
}

/** Runs the built handler locally on the smoke test's request and queues its answer as moto's Invoke result. */
export async function queueSmokeAnswer(target: AdaptTarget, ctx: TargetContext, queue: (results: string[]) => Promise<void>, path = '/'): Promise<void> {
  const local = await target.invoke!(ctx, { path });
  await queue([JSON.stringify(local.result)]);
}
