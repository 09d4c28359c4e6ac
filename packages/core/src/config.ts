/**
 * `adapt.config.ts`: one file for every target and stage. Settings merge from the most general
 * to the most specific: shared, then the stage, then the target, then the target's stage.
 */
import type { TrustProxy } from './client-address.js';
import type { SendFileSettings } from './send-file.js';

export interface Settings {
  /** Function or service name on the platform. */
  name?: string;
  /** Memory in MB (Lambda, Cloud Functions). */
  memory?: number;
  /** Request timeout in seconds. */
  timeout?: number;
  /** Cloud region, such as `eu-west-1`. */
  region?: string;
  /** Environment variables set on the deployed app. */
  env?: Record<string, string>;
  /** A folder of static files served beside the app. */
  static?: string;
  /** A custom domain. */
  domain?: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /**
   * Which proxies in front to believe for the client's address (X-Forwarded-For, walked from the
   * right): `false`, `true`, a number of hops, or addresses and CIDRs (`['10.0.0.0/8', '::1']`).
   * See client-address.ts; each target documents its default.
   */
  trustProxy?: TrustProxy;
  /** Methods answered 405 before the app runs, such as `["TRACE"]`. Default: none. */
  refuseMethods?: string[];
  /** Who sends the files of `sendFile()` and from which folders; see send-file.ts. Default: the app streams them. */
  sendFile?: SendFileSettings;
  /** Target-specific settings; each target documents and validates its own. */
  [setting: string]: unknown;
}

export interface TargetConfig extends Settings {
  stages?: Record<string, Settings>;
}

export interface AdaptConfig extends Settings {
  /** The app's module, relative to the config file. Default: src/app.ts, app.ts, or package.json `main`. */
  entry?: string;
  /** Stage used when none is given. Default: `dev`. */
  defaultStage?: string;
  /** Per-stage settings shared by every target; `hosts` picks the stage on those machines (see the CLI's stage-hosts.ts). */
  stages?: Record<string, Settings & { hosts?: string[] }>;
  /** Per-target settings, each with its own per-stage overrides. */
  targets?: Record<string, TargetConfig>;
}

/** Types a config; returns it unchanged. */
export function defineConfig<T extends AdaptConfig>(config: T): T {
  return config;
}

/** The settings for one target and stage, merged; `env` maps merge key by key. */
export function resolveSettings(config: AdaptConfig, target: string, stage: string): Settings {
  const { stages, targets, entry: _entry, defaultStage: _defaultStage, ...shared } = config;
  const targetConfig = targets?.[target] ?? {};
  const { stages: targetStages, ...targetShared } = targetConfig;
  const { hosts: _hosts, ...stageShared } = stages?.[stage] ?? {}; // which machines pick the stage: not a setting
  const layers: Settings[] = [shared, stageShared, targetShared, targetStages?.[stage] ?? {}];
  const merged: Settings = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      merged[key] = key === 'env' ? { ...(merged.env ?? {}), ...(value as Record<string, string>) } : value;
    }
  }
  return merged;
}

/** Every stage named anywhere in the config, plus the default stage. */
export function knownStages(config: AdaptConfig): string[] {
  const names = new Set<string>([config.defaultStage ?? 'dev']);
  for (const name of Object.keys(config.stages ?? {})) names.add(name);
  for (const target of Object.values(config.targets ?? {})) {
    for (const name of Object.keys(target.stages ?? {})) names.add(name);
  }
  return [...names];
}
