/**
 * Google's client libraries, imported lazily (only deploy and rollback load them), on their REST
 * transport (`fallback: true`) so that `apiEndpoint` can point every call, the OAuth token
 * exchange included, at a local server. Credentials: Application Default Credentials
 * (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, the metadata server).
 */
import { AdaptError, importSdk } from '@adapt/core';
import type { ResolvedGoogleSettings } from './settings.js';

/** What a test (or an embedding tool) may inject. */
export interface GoogleRuntime {
  /** One origin for every Google API and the token endpoint, such as http://127.0.0.1:8080. */
  apiEndpoint?: string;
  /** Milliseconds between long-running operation polls. */
  pollMs?: number;
  /** Where rollback keeps each deployed source (default: <project>/.adapt/history). */
  historyDir?: string;
}

export interface GoogleClients {
  project: string;
  /** The options every gax client gets. */
  clientOptions: Record<string, unknown>;
  auth: import('google-auth-library').GoogleAuth;
  /** Origin the signed upload goes to when testing; undefined in the cloud. */
  apiEndpoint: string | undefined;
  pollMs: number;
}

const adcHint =
  'Create Application Default Credentials with `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file), then run the command again.';

/** Credentials and the project id, checked before any API call. */
export async function googleClients(settings: ResolvedGoogleSettings, runtime: GoogleRuntime): Promise<GoogleClients> {
  const { GoogleAuth } = await importSdk('google-auth-library', () => import('google-auth-library'), {
    purpose: 'Deploying to Google Cloud',
    install: 'npm install --save-dev google-auth-library @google-cloud/functions @google-cloud/run @google-cloud/appengine-admin @google-cloud/storage',
  });
  const apiEndpoint = runtime.apiEndpoint ?? settings.apiEndpoint;
  const origin = apiEndpoint ? new URL(apiEndpoint) : undefined;
  const auth = new GoogleAuth({
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    ...(origin ? { clientOptions: { endpoints: { oauth2TokenUrl: new URL('/token', origin).href } } } : {}),
  });
  try {
    await auth.getClient();
  } catch (error) {
    throw new AdaptError('NO_CREDENTIALS', `No Google Cloud credentials found: ${(error as Error).message.split('\n')[0]}`, { hint: adcHint, cause: error });
  }
  let project = settings.project;
  if (!project) {
    try {
      project = await auth.getProjectId();
    } catch {
      project = undefined;
    }
  }
  if (!project) {
    throw new AdaptError('NO_PROJECT', 'No Google Cloud project id: none in adapt.config.ts, GOOGLE_CLOUD_PROJECT or the credentials.', {
      hint: 'Set targets.<target>.project in adapt.config.ts (or GOOGLE_CLOUD_PROJECT), for example with the id `gcloud config get-value project` prints.',
    });
  }
  const clientOptions: Record<string, unknown> = { fallback: true, auth };
  if (origin) {
    clientOptions.apiEndpoint = origin.hostname;
    clientOptions.port = Number(origin.port || (origin.protocol === 'http:' ? 80 : 443));
    clientOptions.protocol = origin.protocol.replace(':', '');
  }
  return { project, clientOptions, auth, apiEndpoint: origin?.origin, pollMs: runtime.pollMs ?? 2000 };
}

/** gRPC status codes Google's REST errors carry. */
const statusNames: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

export function statusOf(error: unknown): string | undefined {
  const e = error as { code?: number | string; status?: string; statusDetails?: unknown };
  if (typeof e?.code === 'number')
    return (
      statusNames[e.code] ??
      (e.code === 409 ? 'ALREADY_EXISTS' : e.code === 429 ? 'RESOURCE_EXHAUSTED' : e.code === 404 ? 'NOT_FOUND' : e.code === 403 ? 'PERMISSION_DENIED' : String(e.code))
    );
  return typeof e?.status === 'string' ? e.status : undefined;
}

/** A Google error as an AdaptError that says the old version keeps serving and what to do next. */
export function googleFailure(what: string, error: unknown, keeps: string, retry: string): AdaptError {
  if (error instanceof AdaptError) return error;
  const status = statusOf(error);
  const message = ((error as Error)?.message ?? String(error)).split('\n')[0];
  const base = `${what} failed${status ? ` (${status})` : ''}: ${message}. ${keeps}`;
  if (status === 'RESOURCE_EXHAUSTED')
    return new AdaptError('GOOGLE_QUOTA', base, {
      hint: `A quota ran out: wait a minute and ${retry}, or ask for more quota on the console's IAM & Admin > Quotas page.`,
      cause: error,
    });
  if (status === 'ALREADY_EXISTS' || status === 'ABORTED' || status === 'FAILED_PRECONDITION')
    return new AdaptError('GOOGLE_CONFLICT', base, {
      hint: `Another deploy or change is in progress or got there first: wait for it to finish (see the console), then ${retry}.`,
      cause: error,
    });
  if (status === 'PERMISSION_DENIED' || status === 'UNAUTHENTICATED')
    return new AdaptError('GOOGLE_DENIED', base, {
      hint: `Check that the account has the role the call needs and the API is enabled in the project, then ${retry}. ${adcHint}`,
      cause: error,
    });
  return new AdaptError('GOOGLE_ERROR', base, { hint: `Fix the cause above, then ${retry}.`, cause: error });
}

/** PUTs the zip to a signed URL (in tests the signed URL points at the local server). */
export async function putSignedUrl(url: string, zip: Buffer, keeps: string, retry: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: new Uint8Array(zip) });
  } catch (error) {
    throw new AdaptError('UPLOAD_FAILED', `Uploading the source failed: ${(error as Error).message}. ${keeps}`, { hint: `Check the network, then ${retry}.`, cause: error });
  }
  await response.arrayBuffer();
  if (response.status === 403) {
    throw new AdaptError('UPLOAD_EXPIRED', `The signed upload URL refused the source (403: expired or not valid). ${keeps}`, {
      hint: `Each deploy asks for a fresh URL: ${retry}. If it keeps failing, check the machine's clock.`,
    });
  }
  if (!response.ok)
    throw new AdaptError('UPLOAD_FAILED', `Uploading the source failed with HTTP ${response.status}. ${keeps}`, { hint: `${retry[0]!.toUpperCase()}${retry.slice(1)}.` });
}

/** Follows a long-running operation to its end, reporting progress; the result, or the failure as an AdaptError. */
export async function follow<T>(operation: unknown, pollMs: number, progress: (line: string) => void): Promise<T> {
  const op = operation as { backoffSettings: Record<string, number>; promise(): Promise<unknown[]>; on(event: 'progress', listener: (metadata: unknown) => void): unknown };
  op.backoffSettings = { ...op.backoffSettings, initialRetryDelayMillis: pollMs, retryDelayMultiplier: 1.3, maxRetryDelayMillis: pollMs * 5 };
  let last = '';
  const report = (metadata: unknown) => {
    // decoded protobuf messages hold enums as numbers; their JSON form names them
    const plain = metadata ? (JSON.parse(JSON.stringify(metadata)) as { stages?: { name?: string; state?: string }[] }) : undefined;
    const stages = plain?.stages;
    const line = stages?.length ? stages.map((stage) => `${stage.name ?? '?'}: ${stage.state ?? '?'}`).join(', ') : '';
    if (line && line !== last) progress(line);
    last = line || last;
  };
  report((op as { metadata?: unknown }).metadata);
  op.on('progress', report);
  const [result, metadata] = await op.promise();
  report(metadata);
  return result as T;
}

/** A timestamp as the REST API writes it (RFC 3339), whether the client gave a string or a { seconds, nanos } message. */
export function timeText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  const seconds = Number((value as { seconds?: unknown }).seconds);
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined;
}
