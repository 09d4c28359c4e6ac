/**
 * The interface between the `adapt` CLI and a target package's `/target` entry. The CLI knows
 * targets only through it: a new target is a new package, not a change to the CLI.
 * Type-only: nothing here runs inside a user's bundle.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdaptConfig, Settings } from './config.js';
import type { AppManifest } from './app-manifest.js';
import type { App } from './contract.js';
import type { SettingsSchema } from './settings-schema.js';

export interface TargetLogger {
  /** A line of progress (hidden with --json). */
  info(message: string): void;
  warn(message: string): void;
  /** Only with --verbose. */
  debug(message: string): void;
  /** A long step: prints the title, then done/failed with the time it took. */
  step<T>(title: string, run: () => Promise<T>): Promise<T>;
}

export interface TargetContext {
  /** The project folder (where adapt.config.* lives). */
  cwd: string;
  /** Absolute path of the app's entry module. */
  entry: string;
  /** Where this target's build goes: `.adapt/<target>/` unless --out. */
  outDir: string;
  stage: string;
  /** Settings resolved for this target and stage. */
  settings: Settings;
  config: AdaptConfig;
  /** The app's name: config `name`, else package.json name, else the folder name. */
  appName: string;
  production: boolean;
  log: TargetLogger;
  /**
   * The app's tasks and schedules (structure checked), read by bundling the entry alone and
   * importing it in a child process with the stage's settings as env. Read once, then cached.
   */
  readAppManifest(): Promise<AppManifest>;
}

/** What the CLI bundles: the target's runtime glue importing the app, as one file. */
export interface BundleSpec {
  /**
   * Source of the bundle's entry module. `importApp` is the specifier that resolves to the
   * user's app module (its default export, or named `app`).
   */
  entrySource(importApp: string): string;
  /** Output file name inside outDir, such as `index.mjs`. */
  fileName: string;
  format: 'esm' | 'cjs';
  /** esbuild `target`, such as `node20`. */
  nodeTarget?: string;
  /** Module names left out of the bundle (Node built-ins always are). */
  external?: string[];
  banner?: string;
  /**
   * Modules whose exports stand for the names they export wherever the bundled code uses them as
   * globals (esbuild's `inject`), resolved as the entry's imports are: a target that starts cold
   * injects the lightweight web classes this way (@adapt/core's bundle-globals.ts).
   */
  inject?: string[];
  /**
   * The built file answers `node <file> run <task> [args...]` (see runTaskCommand): `adapt run
   * --target <name>` runs tasks through it, with the stage's settings as env, unless the target
   * has its own `runTask`.
   */
  runsTasks?: boolean;
}

export interface BuiltBundle {
  /** Absolute path of the written bundle. */
  file: string;
  bytes: number;
}

export interface BuildArtifact {
  /** Path relative to outDir. */
  path: string;
  bytes: number;
  /** What this file is for, for the size report. */
  description: string;
}

export interface StartOptions {
  port: number;
  host: string;
  /**
   * Where the running server's own stdout goes. `'stderr'` with --json, so that stdout holds only
   * the one JSON document the CLI prints. Default: inherited.
   */
  stdout?: 'inherit' | 'stderr';
  /** Called once the server listens, with its URL (the CLI prints it as JSON with --json). */
  onListening?(url: string): void;
  /** Extra flags a target understands, such as Lambda's `source` and `runtimeApi`. */
  [option: string]: unknown;
}

/**
 * One version of the app served by `adapt dev`: a Node request listener, with the app's lifecycle
 * when the target runs it itself (else the CLI calls the app's teardown when the version retires).
 */
export interface DevListener {
  (req: IncomingMessage, res: ServerResponse): void;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

export interface DevOptions {
  /** Extra flags a target understands, such as Lambda's `source`. */
  [option: string]: unknown;
}

/** How a target serves each freshly built version of the app in `adapt dev`. */
export type DevServing = (app: App) => DevListener;

export interface DeployOptions {
  dryRun: boolean;
  /** Extra flags a target understands, such as `list` or `to`. */
  [option: string]: unknown;
}

export interface ListOptions {
  /** Extra flags a target understands, such as `to`. */
  [option: string]: unknown;
}

/** A deploy's outcome, printed as is with --json. */
export interface DeployResult {
  target: string;
  stage: string;
  [field: string]: unknown;
}

export interface AdaptTarget {
  name: string;
  description: string;
  /** The target's own settings (beside the shared ones); the CLI refuses any other key under `targets.<name>`. */
  settings?: SettingsSchema;
  bundle(context: TargetContext): BundleSpec;
  /** Writes the files that sit beside the bundle (package.json, zip, unit files...). */
  package?(context: TargetContext, bundle: BuiltBundle): Promise<BuildArtifact[]>;
  /**
   * `adapt dev`: how each version of the app (rebuilt in watch mode by the CLI, in this process)
   * is served, the way this platform would hand it requests. The node target's is the default.
   */
  dev?(context: TargetContext, options: DevOptions): Promise<DevServing>;
  /** Runs the build locally the way the platform would; resolves when the process should exit. */
  start?(context: TargetContext, options: StartOptions): Promise<void>;
  deploy?(context: TargetContext, options: DeployOptions): Promise<DeployResult>;
  rollback?(context: TargetContext, options: DeployOptions): Promise<DeployResult>;
  /**
   * `adapt deploy --list`: what is deployed (versions, which one serves), read without changing
   * anything. A target without it makes the CLI refuse `--list` rather than deploy.
   */
  list?(context: TargetContext, options: ListOptions): Promise<DeployResult>;
  /** Runs one input (an event file, or a synthetic request for `path`) through the built entry. */
  invoke?(context: TargetContext, options: InvokeOptions): Promise<InvokeResult>;
  /**
   * `adapt run <task> --target <name>`: runs one of the app's tasks where this target runs (the
   * deployed function, the server...). A task that throws is an AdaptError with exit code 1 and
   * the task's message; an unknown task or bad arguments, exit code 2. Without it, the CLI runs
   * the task locally.
   */
  runTask?(context: TargetContext, options: RunTaskOptions): Promise<RunTaskResult>;
}

export interface RunTaskOptions {
  task: string;
  args: string[];
  /**
   * Runs `node <file> run <task> [args...]` with this environment, showing the task's output as
   * the CLI does (for targets whose build has the run mode but whose environment is their own).
   */
  runBuiltEntry(file: string, env: Record<string, string | undefined>, as?: TaskIdentity): Promise<RunTaskResult>;
  /** Extra flags a target understands. */
  [option: string]: unknown;
}

/** The user a task process runs as (when the CLI runs as root and the target's service runs as another user), and where. */
export interface TaskIdentity {
  uid: number;
  gid: number;
  /** The working directory, one that user can enter. */
  cwd: string;
}

export interface RunTaskResult {
  /** The task's return value, as JSON. */
  result: unknown;
  /** The task's log output, when the platform returns it (Lambda's log tail). */
  log?: string;
  [field: string]: unknown;
}

export interface InvokeOptions {
  /** Path of a JSON event file. */
  event?: string;
  /** Build a synthetic request for this path instead. */
  path?: string;
  method?: string;
}

export interface InvokeResult {
  /** What the platform would receive back (the Lambda result object...). */
  result: unknown;
  /** The HTTP response it stands for. */
  response: { status: number; headers: Record<string, string | string[]>; body: string; bodyEncoding: 'utf8' | 'base64' };
}
