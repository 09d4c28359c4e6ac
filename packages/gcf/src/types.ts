/**
 * The shapes functions-framework hands a function, declared here so the runtime entry needs no
 * import from the framework (or Express) at all. Its req/res are Express objects, which are
 * node:http's `IncomingMessage` and `ServerResponse` underneath.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request an HTTP function gets: Express's, with the bytes body-parser read kept in `rawBody`. */
export interface GcfRequest extends IncomingMessage {
  /** The exact body bytes (inflated when the client sent them compressed), when the request had a Content-Type and a body. */
  rawBody?: Buffer;
  /** What body-parser made of the body. adapt never reads it: the app gets `rawBody`. */
  body?: unknown;
}

/** The response an HTTP function gets: Express's. */
export type GcfResponse = ServerResponse;

/** `context.raw` on Cloud Functions. */
export interface GcfRaw {
  req: GcfRequest;
  res: GcfResponse;
}

/** A CloudEvent as functions-framework delivers it to a `cloudevent` function (CloudEvents 1.0 attributes). */
export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  [extension: string]: unknown;
}

/** The callback functions-framework passes a callback-style CloudEvent function. */
export type CloudEventCallback = (error: unknown, result?: unknown) => void;
