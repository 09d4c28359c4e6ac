/** The event sources, in detection order, and the picker. */
import { alb } from './alb.js';
import { apigwV1 } from './apigw-v1.js';
import { apigwV2, functionUrl } from './apigw-v2.js';
import { latticeV1, latticeV2 } from './lattice.js';
import type { EventSource } from './_shared.js';

export const eventSources: readonly EventSource[] = [alb, functionUrl, apigwV2, latticeV2, apigwV1, latticeV1];

/** The source that delivered `event`, or undefined for a non-HTTP event. */
export function pickEventSource(event: unknown): EventSource | undefined {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  for (const source of eventSources) if (source.detect(event)) return source;
  return undefined;
}

export { alb, apigwV1, apigwV2, functionUrl, latticeV1, latticeV2 };
export type { Answer, EventSource, RequestInput, SourceName, SourceOptions } from './_shared.js';
