/**
 * The shapes AWS Lambda hands to a function and expects back, for every HTTP event source.
 * Written from the AWS documentation; only what the adapter reads is typed, everything is
 * optional where AWS omits it in some mode.
 */

/** The Lambda context object (Node.js runtime). */
export interface LambdaContext {
  functionName?: string;
  functionVersion?: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string;
  awsRequestId?: string;
  logGroupName?: string;
  logStreamName?: string;
  callbackWaitsForEmptyEventLoop?: boolean;
  getRemainingTimeInMillis?(): number;
}

type Nullable<T> = T | null | undefined;

/** API Gateway REST API (payload 1.0), also HTTP API with payload format 1.0. */
export interface ApiGatewayV1Event {
  version?: string;
  resource?: string;
  path: string;
  httpMethod: string;
  headers?: Nullable<Record<string, string | undefined>>;
  multiValueHeaders?: Nullable<Record<string, string[] | undefined>>;
  queryStringParameters?: Nullable<Record<string, string | undefined>>;
  multiValueQueryStringParameters?: Nullable<Record<string, string[] | undefined>>;
  pathParameters?: Nullable<Record<string, string | undefined>>;
  stageVariables?: Nullable<Record<string, string | undefined>>;
  requestContext: {
    stage?: string;
    path?: string;
    domainName?: string;
    httpMethod?: string;
    requestId?: string;
    identity?: { sourceIp?: string | null; [key: string]: unknown } | null;
    [key: string]: unknown;
  };
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** API Gateway HTTP API (payload 2.0) and Lambda Function URLs. */
export interface ApiGatewayV2Event {
  version: '2.0';
  routeKey?: string;
  rawPath: string;
  rawQueryString?: string;
  cookies?: string[];
  headers?: Nullable<Record<string, string | undefined>>;
  queryStringParameters?: Nullable<Record<string, string | undefined>>;
  requestContext: {
    domainName?: string;
    stage?: string;
    requestId?: string;
    http: { method: string; path?: string; protocol?: string; sourceIp?: string; userAgent?: string };
    [key: string]: unknown;
  };
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** Application Load Balancer target (single-value or multi-value headers mode). */
export interface AlbEvent {
  requestContext: { elb: { targetGroupArn?: string } };
  httpMethod: string;
  path: string;
  headers?: Nullable<Record<string, string | undefined>>;
  multiValueHeaders?: Nullable<Record<string, string[] | undefined>>;
  queryStringParameters?: Nullable<Record<string, string | undefined>>;
  multiValueQueryStringParameters?: Nullable<Record<string, string[] | undefined>>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** VPC Lattice, payload version 1 (snake_case keys). */
export interface LatticeV1Event {
  raw_path: string;
  method: string;
  headers?: Nullable<Record<string, string | undefined>>;
  query_string_parameters?: Nullable<Record<string, string | undefined>>;
  body?: string | null;
  is_base64_encoded?: boolean;
}

/** VPC Lattice, payload version 2. Header and query values are arrays (or strings in some samples). */
export interface LatticeV2Event {
  version: '2.0';
  path: string;
  method: string;
  headers?: Nullable<Record<string, string | string[] | undefined>>;
  queryStringParameters?: Nullable<Record<string, string | string[] | undefined>>;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { identity?: { sourceVpcArn?: string; [key: string]: unknown }; [key: string]: unknown };
}

export type LambdaHttpEvent = ApiGatewayV1Event | ApiGatewayV2Event | AlbEvent | LatticeV1Event | LatticeV2Event;

/** API Gateway REST (1.0) result. */
export interface ApiGatewayV1Result {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

/** HTTP API (2.0) and Function URL result. */
export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/** ALB result: `headers` in single-value mode, `multiValueHeaders` in multi-value mode. */
export interface AlbResult {
  statusCode: number;
  statusDescription: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

/** VPC Lattice result (both payload versions). */
export interface LatticeResult {
  statusCode: number;
  statusDescription: string;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export type LambdaHttpResult = ApiGatewayV1Result | ApiGatewayV2Result | AlbResult | LatticeResult;

/** The Lambda response stream (`awslambda.streamifyResponse`): a Node Writable plus `setContentType`. */
export interface ResponseStream {
  write(chunk: Uint8Array | string, callback?: (error?: Error | null) => void): boolean;
  end(callback?: () => void): void;
  once(event: 'drain' | 'close' | 'error' | 'finish', listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy?(error?: Error): void;
  setContentType?(contentType: string): void;
  readonly writableEnded?: boolean;
  readonly writableNeedDrain?: boolean;
  readonly destroyed?: boolean;
}

/** The metadata before a streamed HTTP body (JSON, then 8 NUL bytes). */
export interface StreamPrelude {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  cookies?: string[];
}

/** The `awslambda` global the Node.js runtime defines before loading the handler module. */
export interface AwsLambdaGlobal {
  streamifyResponse<H extends (event: any, stream: ResponseStream, context: LambdaContext) => Promise<void>>(handler: H, options?: { highWaterMark?: number }): H;
  HttpResponseStream: {
    from(stream: ResponseStream, prelude: StreamPrelude): ResponseStream;
  };
}
