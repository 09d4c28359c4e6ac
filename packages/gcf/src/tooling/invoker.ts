/**
 * Who may call a Cloud Run function's URL. A function's HTTP endpoint is its Cloud Run service,
 * and Cloud Run lets a request through only from a principal holding `roles/run.invoker` on that
 * service: a public function is one where `allUsers` holds it (what gcloud's
 * `--allow-unauthenticated` grants). `syncInvoker` reads the service's IAM policy and adds or
 * removes only that one member, leaving every other binding as it was; the policy's etag makes
 * a concurrent change fail instead of being overwritten.
 */
import { AdaptError, importSdk } from '@adapt/core';
import { googleFailure, statusOf, type GoogleClients } from './google.js';

export const invokerRole = 'roles/run.invoker';
const everyone = 'allUsers';

interface Binding {
  role?: string | null;
  members?: string[] | null;
  condition?: unknown;
}

interface Policy {
  version?: number | null;
  bindings?: Binding[] | null;
  etag?: Uint8Array | string | null;
}

/** The change `setIamPolicy` would make, or undefined when the policy already says what `isPublic` asks. */
function invokerChange(policy: Policy, isPublic: boolean): Binding[] | undefined {
  const bindings = (policy.bindings ?? []).map((binding) => ({ ...binding, members: [...(binding.members ?? [])] }));
  const plain = bindings.find((binding) => binding.role === invokerRole && !binding.condition);
  const has = plain?.members.includes(everyone) ?? false;
  if (has === isPublic) return undefined;
  if (isPublic) {
    if (plain) plain.members.push(everyone);
    else bindings.push({ role: invokerRole, members: [everyone] });
    return bindings;
  }
  plain!.members = plain!.members.filter((member) => member !== everyone);
  return bindings.filter((binding) => binding.members.length > 0);
}

interface InvokerSync {
  /** What the service's policy says now (after the change, unless a dry run). */
  public: boolean;
  changed: boolean;
}

/**
 * Makes `service` (projects/P/locations/R/services/S) invokable by everyone or not. On a dry run
 * it only reads. `deployed` says what a failure leaves behind, for the error.
 */
export async function syncInvoker(clients: GoogleClients, service: string, isPublic: boolean, options: { dryRun: boolean; deployed: string; retry: string }): Promise<InvokerSync> {
  const client = await servicesClient(clients);
  try {
    let policy: Policy;
    try {
      [policy] = (await client.getIamPolicy({ resource: service })) as [Policy, ...unknown[]];
    } catch (error) {
      throw invokerFailure('getIamPolicy', error, service, isPublic, options);
    }
    const bindings = invokerChange(policy, isPublic);
    if (bindings === undefined) return { public: isPublic, changed: false };
    if (options.dryRun) return { public: !isPublic, changed: true };
    try {
      await client.setIamPolicy({ resource: service, policy: { version: policy.version ?? 1, etag: policy.etag, bindings } } as Parameters<typeof client.setIamPolicy>[0]);
    } catch (error) {
      throw invokerFailure('setIamPolicy', error, service, isPublic, options);
    }
    return { public: isPublic, changed: true };
  } finally {
    await client.close();
  }
}

function invokerFailure(call: string, error: unknown, service: string, isPublic: boolean, options: { deployed: string; retry: string }): AdaptError {
  const status = statusOf(error);
  const want = isPublic ? `give allUsers ${invokerRole}` : `take ${invokerRole} from allUsers`;
  if (status === 'PERMISSION_DENIED' || (status === 'FAILED_PRECONDITION' && isPublic)) {
    return new AdaptError('GOOGLE_DENIED', `Could not ${want} on ${service} (${call}: ${status}). ${options.deployed}`, {
      hint: isPublic
        ? `Your account needs run.services.setIamPolicy (roles/run.admin) on the service, and no organization policy (iam.allowedPolicyMemberDomains) may forbid allUsers. Grant it and ${options.retry}, or set public: false in adapt.config.ts and call the function with an identity token.`
        : `Your account needs run.services.setIamPolicy (roles/run.admin) on the service: grant it and ${options.retry}.`,
      cause: error,
    });
  }
  return googleFailure(`${call} on ${service}`, error, options.deployed, options.retry);
}

async function servicesClient(clients: GoogleClients) {
  const { v2 } = await importSdk('@google-cloud/run', () => import('@google-cloud/run'), {
    purpose: 'Setting who may call a Cloud Run function',
    install: 'npm install --save-dev @google-cloud/run',
  });
  return new v2.ServicesClient(clients.clientOptions as ConstructorParameters<typeof v2.ServicesClient>[0]);
}
