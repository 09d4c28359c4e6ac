/**
 * `targets.iisnode.azure`: where `adapt deploy --target iisnode --to azure` ships the build. Each
 * key falls back to the environment variable Azure's own tools read (the Azure CLI's defaults,
 * azd's names), so a pipeline that already sets them needs no config.
 */
import { AdaptError, type SettingCheck, type SettingsSchema, settingProblems } from '@adapt/core';

export type AzureAuth = 'entra' | 'basic';

export interface AzureSettings {
  subscription: string;
  resourceGroup: string;
  site: string;
  slot: string | undefined;
  /** `entra` (a Microsoft Entra token, the default) or `basic` (the site's publishing credentials, when SCM basic auth is still on). */
  auth: AzureAuth;
  /** Azure Resource Manager's origin (another cloud, or a local server in tests). */
  endpoint: string;
  /** Seconds to wait for Kudu to finish the deployment. */
  timeout: number;
}

const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Azure's rule for a resource group: letters, digits, underscores, hyphens, periods and parentheses, 90 at most, not ending in a period. */
const resourceGroupPattern = /^[-\w.()]{0,89}[-\w()]$/;
/** Azure's rule for an app or slot name: letters, digits and hyphens, not starting or ending with a hyphen, 60 at most. */
const siteNamePattern = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?$/;

const text =
  (pattern: RegExp, expected: string): SettingCheck =>
  (value) =>
    typeof value === 'string' && pattern.test(value) ? undefined : expected;

/** The keys of `targets.iisnode.azure`; any other key is refused. */
export const azureSettingsSchema: SettingsSchema = {
  subscription: {
    check: text(guid, 'a subscription id (a GUID, as `az account show --query id` prints)'),
    description: 'The subscription id; else AZURE_SUBSCRIPTION_ID.',
    example: '"00000000-0000-0000-0000-000000000000"',
  },
  resourceGroup: {
    check: text(resourceGroupPattern, 'a resource group name'),
    description: "The app's resource group; else AZURE_RESOURCE_GROUP or AZURE_DEFAULTS_GROUP.",
    example: '"shop-rg"',
  },
  site: {
    check: text(siteNamePattern, 'an App Service app name (letters, digits and hyphens)'),
    description: 'The App Service app; else AZURE_WEBAPP_NAME or AZURE_DEFAULTS_WEB.',
    example: '"shop-web"',
  },
  slot: { check: text(siteNamePattern, 'a deployment slot name'), description: 'A deployment slot, such as staging; the production slot when unset.', example: '"staging"' },
  auth: {
    check: (value) => (value === 'entra' || value === 'basic' ? undefined : 'one of "entra", "basic"'),
    description: 'entra: a Microsoft Entra token (default); basic: the publishing profile, only while the site allows SCM basic auth.',
    example: '"entra"',
  },
  endpoint: {
    check: text(/^https:\/\/[^/\s]+\/?$/, 'an https origin, such as "https://management.usgovcloudapi.net"'),
    description: "Azure Resource Manager's origin for another cloud; else AZURE_RESOURCE_MANAGER_ENDPOINT.",
    example: '"https://management.azure.com"',
  },
  timeout: {
    check: (value) => (Number.isInteger(value) && (value as number) > 0 ? undefined : 'a positive integer'),
    description: 'Seconds to wait for the deployment to finish.',
    example: '900',
  },
};

/** The check of the `azure` key inside `targets.iisnode`: an object of the keys above. */
export const azureSettingCheck: SettingCheck = (value) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'an object such as { resourceGroup: "shop-rg", site: "shop-web" }';
  const problems = settingProblems(value as Record<string, unknown>, azureSettingsSchema, 'azure');
  return problems.length === 0 ? undefined : `an object of known keys (${problems.join('; ')})`;
};

function missing(key: string, variables: string[], example: string): never {
  throw new AdaptError('CONFIG_INVALID', `adapt deploy --to azure needs targets.iisnode.azure.${key} (or ${variables.join(' or ')})`, {
    hint: `set it in adapt.config.ts, such as targets: { iisnode: { azure: { ${key}: ${example} } } }, or export ${variables[0]}`,
  });
}

/** The azure settings with the environment's fallbacks, checked; throws before any call to Azure. */
export function resolveAzureSettings(value: unknown, env: NodeJS.ProcessEnv = process.env): AzureSettings {
  const given = value === undefined ? {} : value;
  const problem = azureSettingCheck(given);
  if (problem) throw new AdaptError('CONFIG_INVALID', `targets.iisnode.azure: expected ${problem}`, { hint: `known keys: ${Object.keys(azureSettingsSchema).join(', ')}` });
  const s = given as Record<string, unknown>;
  const pick = (key: string, variables: string[]) => (s[key] as string | undefined) ?? variables.map((name) => env[name]).find((item) => item);
  const resolved = {
    subscription: pick('subscription', ['AZURE_SUBSCRIPTION_ID']) ?? missing('subscription', ['AZURE_SUBSCRIPTION_ID'], '"<subscription id>"'),
    resourceGroup:
      pick('resourceGroup', ['AZURE_RESOURCE_GROUP', 'AZURE_DEFAULTS_GROUP']) ?? missing('resourceGroup', ['AZURE_RESOURCE_GROUP', 'AZURE_DEFAULTS_GROUP'], '"shop-rg"'),
    site: pick('site', ['AZURE_WEBAPP_NAME', 'AZURE_DEFAULTS_WEB']) ?? missing('site', ['AZURE_WEBAPP_NAME', 'AZURE_DEFAULTS_WEB'], '"shop-web"'),
    slot: s.slot as string | undefined,
    auth: (s.auth as AzureAuth | undefined) ?? 'entra',
    endpoint: (pick('endpoint', ['AZURE_RESOURCE_MANAGER_ENDPOINT']) ?? 'https://management.azure.com').replace(/\/$/, ''),
    timeout: (s.timeout as number | undefined) ?? 600,
  };
  // a value from the environment passes the same checks as one from the config
  const envProblems = settingProblems(
    { subscription: resolved.subscription, resourceGroup: resolved.resourceGroup, site: resolved.site, endpoint: resolved.endpoint },
    azureSettingsSchema,
    'azure',
  );
  if (envProblems.length > 0)
    throw new AdaptError('CONFIG_INVALID', `Azure settings (from adapt.config.ts or the environment): ${envProblems.join('; ')}`, { hint: 'fix the value named above' });
  return resolved;
}
