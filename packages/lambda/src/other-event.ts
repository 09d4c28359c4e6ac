/** Events that are not HTTP: routed to `options.events`, or refused with an error that names them. */
import type { Runtime } from './runtime.js';
import type { LambdaContext } from './types.js';

/** A non-HTTP event goes to `options.events`, or is refused with an error naming it. */
export async function otherEvent(runtime: Runtime, event: unknown, context: LambdaContext): Promise<unknown> {
  if (runtime.events) return runtime.events(event, context);
  throw new UnsupportedEventError(event);
}

export class UnsupportedEventError extends Error {
  constructor(event: unknown) {
    super(
      `adapt: this Lambda received ${describeEvent(event)}, which is not an HTTP event from API Gateway, a Function URL, ` +
        'ALB or VPC Lattice. Handle it with toLambdaHandler(app, { events: (event, context) => ... }), ' +
        'or remove the trigger that sends it.',
    );
    this.name = 'UnsupportedEventError';
  }
}

/** A short name for an event, for error messages. */
export function describeEvent(event: unknown): string {
  if (event === null || typeof event !== 'object') return `a ${event === null ? 'null' : typeof event} event`;
  if (Array.isArray(event)) return 'an array';
  const e = event as Record<string, any>;
  if (e.type === 'TOKEN' || e.type === 'REQUEST') return `an API Gateway ${e.type} authorizer event`;
  const record = Array.isArray(e.Records) ? e.Records[0] : undefined;
  if (record) {
    if (record.cf) return 'a CloudFront (Lambda@Edge) event';
    const source = record.eventSource ?? record.EventSource;
    if (typeof source === 'string') return `an event from ${source}`;
  }
  if (typeof e.source === 'string' && e['detail-type'] !== undefined) return `an EventBridge event (source ${e.source})`;
  if (e.requestContext?.eventType !== undefined) return `an API Gateway WebSocket ${String(e.requestContext.eventType)} event`;
  const keys = Object.keys(e).slice(0, 6);
  return keys.length > 0 ? `an event with keys ${keys.join(', ')}` : 'an empty event';
}
