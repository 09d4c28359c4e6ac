/**
 * Azure's client libraries, imported lazily (only deploy and rollback load them): a
 * DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, Azure
 * PowerShell, Azure Developer CLI: Microsoft Entra tokens), a WebSiteManagementClient for Azure
 * Resource Manager, and Kudu requests sent through that client's pipeline (so they carry the same
 * Entra token, retries and TLS settings), or with the site's publishing credentials when
 * `auth: 'basic'` and the site still allows SCM basic auth.
 */
import { AdaptError, importSdk } from '@adapt/core';
import type { AzureSettings } from './azure-settings.js';

/** What a test (or an embedding tool) may inject. */
export interface AzureRuntime {
  /** Microsoft Entra's origin (identity's authorityHost), such as https://127.0.0.1:8443. */
  authorityHost?: string;
  /** TLS settings for every connection, such as { ca } for a local server's certificate. */
  tlsOptions?: { ca?: string | Buffer };
  /** Milliseconds between deployment status polls (default 2000). */
  pollMs?: number;
  /** Where rollback keeps each deployed package (default: <project>/.adapt/history). */
  historyDir?: string;
}

type Sdk = typeof import('@azure/arm-appservice');
export type WebApps = InstanceType<Sdk['WebSiteManagementClient']>['webApps'];

export interface AzureClients {
  webApps: WebApps;
  /** Sends one request to Kudu (the SCM site), with the Entra token or the basic credentials. */
  kudu(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType?: string): Promise<KuduResponse>;
  useBasic(user: string, password: string): void;
  pollMs: number;
}

export interface KuduResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  text: string;
}

const credentialsHint =
  'sign in so that DefaultAzureCredential finds a Microsoft Entra identity: `az login` (or `azd auth login`), a managed identity in Azure, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal; then run the command again';
export const armScope = 'https://management.azure.com/.default';
/**
 * Entra hosts MSAL's instance discovery knows; for any other authority (Azure Stack, a private
 * cloud, a local server in tests) discovery would ask login.microsoftonline.com about a host it
 * cannot vouch for, so it is turned off, as identity's docs advise for such authorities.
 */
const microsoftClouds = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn']);

const sdkUse = {
  purpose: 'Deploying to Azure App Service',
  install: 'npm install --save-dev @azure/identity @azure/arm-appservice @azure/core-rest-pipeline',
};

/** The credential (checked with one token request), the ARM client, and the Kudu sender. */
export async function azureClients(settings: AzureSettings, scmHost: () => string, runtime: AzureRuntime): Promise<AzureClients> {
  const [identity, sdk, pipelineLib] = await Promise.all([
    importSdk('@azure/identity', () => import('@azure/identity'), sdkUse),
    importSdk('@azure/arm-appservice', () => import('@azure/arm-appservice'), sdkUse),
    importSdk('@azure/core-rest-pipeline', () => import('@azure/core-rest-pipeline'), sdkUse),
  ]);
  const tls = runtime.tlsOptions ? { tlsOptions: runtime.tlsOptions } : {};
  const authorityHost = runtime.authorityHost ?? process.env.AZURE_AUTHORITY_HOST;
  const credential = new identity.DefaultAzureCredential({
    ...tls,
    ...(authorityHost ? { authorityHost, disableInstanceDiscovery: !microsoftClouds.has(new URL(authorityHost).hostname.toLowerCase()) } : {}),
  });
  try {
    await credential.getToken(armScope);
  } catch (error) {
    throw new AdaptError('NO_CREDENTIALS', `No Microsoft Entra credentials for Azure: ${credentialReasons(error)}`, { hint: credentialsHint, cause: error });
  }
  const client = new sdk.WebSiteManagementClient(credential, settings.subscription, { endpoint: settings.endpoint, credentials: { scopes: [armScope] }, ...tls });
  const httpClient = pipelineLib.createDefaultHttpClient();
  let basic: string | undefined;
  const basicPipeline = pipelineLib.createPipelineFromOptions({ ...tls });
  return {
    webApps: client.webApps,
    pollMs: runtime.pollMs ?? 2000,
    useBasic(user, password) {
      basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    },
    async kudu(method, path, body, contentType) {
      const url = path.startsWith('https://') ? path : `https://${scmHost()}${path}`;
      const headers = pipelineLib.createHttpHeaders({
        accept: 'application/json',
        ...(contentType ? { 'content-type': contentType } : {}),
        ...(basic ? { authorization: basic } : {}),
      });
      const request = pipelineLib.createPipelineRequest({ url, method, headers, body, timeout: 0 });
      const response = await (basic ? basicPipeline : client.pipeline).sendRequest(httpClient, request);
      return { status: response.status, headers: { get: (name) => response.headers.get(name) }, text: response.bodyAsText ?? '' };
    },
  };
}

/**
 * Why no credential gave a token, in one line: each credential of the chain with its first
 * sentence (an AggregateAuthenticationError holds one error per credential), and Entra's own
 * reason (AADSTS<code>: ...) where a credential reached Entra and was refused.
 */
export function credentialReasons(error: unknown): string {
  const oneLine = (item: unknown) => {
    const lines = ((item as Error)?.message ?? String(item)).split('\n').filter((line) => line.trim() !== '');
    const reason = lines.find((line, index) => index > 0 && /AADSTS\d+/.test(line));
    return `${lines[0]?.replace(/ To troubleshoot, visit \S+/, '') ?? 'no answer'}${reason ? ` ${reason.trim()}` : ''}`;
  };
  const errors = (error as { errors?: unknown[] })?.errors;
  return Array.isArray(errors) && errors.length > 0 ? errors.map(oneLine).join('; ') : oneLine(error);
}

/** The HTTP status an SDK error carries (RestError.statusCode). */
export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status;
}

/** An Azure failure as an AdaptError: what failed, that the old deployment keeps serving, what to do next. */
export function azureFailure(what: string, error: unknown, keeps: string, retry: string): AdaptError {
  if (error instanceof AdaptError) return error;
  const status = statusOf(error);
  const message = ((error as Error)?.message ?? String(error)).split('\n')[0]!.replace(/\.$/, '');
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const base = `${what} failed (${[status && `HTTP ${status}`, code].filter(Boolean).join(', ') || 'no answer'}): ${message}. ${keeps}`;
  if (status === 401 || status === 403)
    return new AdaptError('AZURE_DENIED', base, {
      hint: `the signed-in identity needs a role on the app such as Website Contributor (az role assignment create --role "Website Contributor" ...), then ${retry}`,
      cause: error,
    });
  if (status === 404)
    return new AdaptError('SITE_NOT_FOUND', base, {
      hint: `check targets.iisnode.azure (subscription, resourceGroup, site, slot) against \`az webapp list -o table\`; create the app first (az webapp create ...), then ${retry}`,
      cause: error,
    });
  if (status === 409)
    return new AdaptError('DEPLOY_IN_PROGRESS', base, { hint: `another deployment or change is running on the app: wait for it to finish, then ${retry}`, cause: error });
  return new AdaptError('AZURE_ERROR', base, { hint: `fix the cause above, then ${retry}`, cause: error });
}
