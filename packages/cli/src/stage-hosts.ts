/**
 * Per-host stages: `stages: { prod: { hosts: ['web-*.example.com', 'db1'] } }` picks `prod` on
 * those machines when no --stage is given, so one config serves a laptop and the servers.
 *
 * Rules: the host name is $ADAPT_HOSTNAME when set, else os.hostname(). A pattern matches the whole
 * name, case-insensitively; `*` stands for one or more characters other than a dot (so
 * `web-*.example.com` matches `web-1.example.com`, not `web-1.eu.example.com` nor `web-.example.com`).
 * A pattern without a dot also matches the first label of a dotted name (`db1` matches
 * `db1.internal`). Two stages matching one host is an error naming both; no match falls back to
 * defaultStage, else `dev`.
 */
import { hostname } from 'node:os';
import { AdaptError, type AdaptConfig } from '@adapt/core';

export interface PickedStage {
  stage: string;
  /** Why this stage: `--stage`, a host pattern, or the default. */
  reason: string;
  /** How it was chosen. */
  by: 'flag' | 'host' | 'default';
}

export function currentHostname(env: NodeJS.ProcessEnv = process.env): string {
  return env.ADAPT_HOSTNAME || hostname();
}

/** Whether `pattern` (with `*` wildcards) names `host`, by the rules above. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const name = host.toLowerCase().replace(/\.$/, '');
  const regex = new RegExp(
    `^${p
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]+')}$`,
  );
  if (regex.test(name)) return true;
  return !p.includes('.') && name.includes('.') && regex.test(name.slice(0, name.indexOf('.')));
}

/** The stage whose `hosts` name this host, if exactly one does; several is an error. */
export function stageForHost(config: AdaptConfig, host: string): PickedStage | undefined {
  const matches: Array<{ stage: string; pattern: string }> = [];
  for (const [stage, settings] of Object.entries(config.stages ?? {})) {
    const hosts = (settings as { hosts?: unknown }).hosts;
    if (!Array.isArray(hosts)) continue;
    const pattern = hosts.find((item): item is string => typeof item === 'string' && hostMatches(item, host));
    if (pattern !== undefined) matches.push({ stage, pattern });
  }
  if (matches.length > 1) {
    const list = matches.map(({ stage, pattern }) => `${stage} ("${pattern}")`).join(' and ');
    throw new AdaptError('AMBIGUOUS_STAGE', `the host "${host}" matches the hosts of more than one stage: ${list}`, {
      hint: 'make the host patterns in adapt.config.ts exclusive, or choose one with --stage',
    });
  }
  const [match] = matches;
  return match && { stage: match.stage, by: 'host', reason: `host "${host}" matches "${match.pattern}" in stages.${match.stage}.hosts` };
}
