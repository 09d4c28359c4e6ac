/**
 * The standard (undici) `Headers`, `Request`, `Response` and `fetch`, reached without loading
 * undici until something needs them.
 *
 * Node defines those globals lazily: the first read loads undici (45-65 ms). On Node 22 and later
 * they are lazy data properties that load it even when only their descriptor is read, and once a
 * global is overwritten its standard value is gone for good (no public module exports it). So a
 * lightweight class is installed as a script-level `let` binding of that name (`installGlobal`):
 * every bare `Response` in scripts and modules resolves to it before the global object's property,
 * which stays as Node made it, unread. `standardClasses()` reads those properties the first time it
 * is called (an app touched something the lightweight classes hand to the real ones), then makes
 * the global properties the lightweight classes too, and runs every `onStandardLoad` hook, which
 * wires a lightweight class to its standard one (prototype chain, forwarders). Before that,
 * `globalThis.Response` (spelled out) still gives the standard class, which works with every part
 * of core as a real one does.
 *
 * A bundle that holds all of an app's code can bind those names at build time instead
 * (bundle-globals.ts, which `adapt build` injects): every bare `Response` in it is the lightweight
 * class from the start, and no script is declared at run time (node:vm and a compile: about 1 ms
 * of a cold start).
 */

export interface StandardClasses {
  Headers: typeof Headers;
  Request: typeof Request;
  Response: typeof Response;
  fetch: typeof fetch;
}

export type GlobalName = keyof StandardClasses;

const names: GlobalName[] = ['Headers', 'Request', 'Response', 'fetch'];
/** What core installed under each name. */
const installed = new Map<GlobalName, unknown>();
/**
 * Shared by every copy of core in the process (two bundles loaded side by side, as a test or a
 * monorepo may): the assigner of each script-level binding, declared once per process, and the
 * standard classes once read (after that, the global properties hold a lightweight class).
 */
interface Registry {
  bindings: Map<GlobalName, (value: unknown) => void>;
  standard: StandardClasses | undefined;
}
const registryKey = Symbol.for('adapt.core.standard-classes');
const registry: Registry = (() => {
  const existing = (globalThis as Record<symbol, Registry | undefined>)[registryKey];
  if (existing) return existing;
  const created: Registry = { bindings: new Map(), standard: undefined };
  Object.defineProperty(globalThis, registryKey, { value: created });
  return created;
})();
const bindings = registry.bindings;
const hooks: Array<(standard: StandardClasses) => void> = [];
/** The names this copy of core's bundle binds at build time (bundle-globals.ts): nothing to declare or assign for them. */
const boundAtBuild = new Set<GlobalName>();
let loaded: StandardClasses | undefined;

/** Installs `value` as the global `name` (a bare `name` anywhere gives it) without reading the standard one. */
export function installGlobal(name: GlobalName, value: unknown): void {
  installed.set(name, value);
  if (loaded !== undefined) {
    defineGlobal(name, value);
    return;
  }
  if (batch !== undefined) {
    batch.push(name);
    return;
  }
  bind(name, value);
  // real instances may already exist (a test runner, the app's own code): wire at once, it costs nothing then
  if (undiciLoaded()) standardClasses();
}

/**
 * Says that the bundle this copy of core is part of binds `names` at build time, so bare uses of
 * them in it are the lightweight classes already; the global properties stay Node's until the
 * standard classes are loaded, as with script-level bindings.
 */
export function bindAtBuild(names: readonly GlobalName[]): void {
  for (const name of names) boundAtBuild.add(name);
}

/** Sets the script-level binding `name`, declaring it first; when a script of the app's declared that name already, installs the plain way. */
function bind(name: GlobalName, value: unknown): void {
  if (boundAtBuild.has(name)) return;
  let assign = bindings.get(name);
  if (assign === undefined) {
    try {
      assign = declareBindings([name])[0];
    } catch {
      standardClasses();
      defineGlobal(name, value);
      return;
    }
  }
  assign(value);
}

/** The names `installGlobal` was given inside `installGlobalsTogether`, not installed yet. */
let batch: GlobalName[] | undefined;

/**
 * Runs `install` (which calls `installGlobal`) and declares every binding it asked for in one
 * script: each script costs Node a compile, and a cold start pays for every one.
 */
export function installGlobalsTogether(install: () => void): void {
  if (batch !== undefined) return install();
  const names: GlobalName[] = [];
  batch = names;
  try {
    install();
  } finally {
    batch = undefined;
  }
  if (loaded !== undefined) return; // installGlobal defined them on the global object
  const undeclared = names.filter((name) => !bindings.has(name) && !boundAtBuild.has(name));
  if (undeclared.length > 1) {
    try {
      declareBindings(undeclared);
    } catch {
      // one of them is declared by a script of the app's: each name on its own, below
    }
  }
  // every binding assigned before anything looks at undici: a declared one left unassigned would hide the global
  for (const name of names) {
    const value = installed.get(name);
    if (loaded === undefined || bindings.has(name)) bind(name, value);
    if (loaded !== undefined) defineGlobal(name, value);
  }
  if (undiciLoaded()) standardClasses();
}

/** One script that declares `let` bindings for `names`; returns their assigners (kept in the registry). Throws when a name is declared already. */
function declareBindings(names: GlobalName[]): Array<(value: unknown) => void> {
  const vm = process.getBuiltinModule('node:vm') as typeof import('node:vm');
  const source = `let ${names.join(', ')}; [${names.map((name) => `(value) => { ${name} = value; }`).join(', ')}]`;
  const assigners = vm.runInThisContext(source, { filename: 'adapt-lightweight-globals' }) as Array<(value: unknown) => void>;
  for (let i = 0; i < names.length; i++) bindings.set(names[i], assigners[i]);
  return assigners;
}

function defineGlobal(name: GlobalName, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: name === 'fetch' });
}

/**
 * Whether Node has loaded undici already (so reading the standard classes is free), from the list
 * of built-in modules the process has loaded; true when that list is not there, to stay correct.
 */
export function undiciLoaded(): boolean {
  if (loaded !== undefined || registry.standard !== undefined) return true;
  const list = (process as { moduleLoadList?: unknown }).moduleLoadList;
  return !Array.isArray(list) || list.includes('NativeModule internal/deps/undici/undici');
}

/** The standard classes; loads undici on the first call. */
export function standardClasses(): StandardClasses {
  if (loaded !== undefined) return loaded;
  if (registry.standard === undefined) {
    const found: Partial<Record<GlobalName, unknown>> = {};
    for (const name of names) found[name] = (globalThis as Record<string, unknown>)[name];
    registry.standard = found as unknown as StandardClasses;
  }
  for (const [name, value] of installed) defineGlobal(name, value);
  loaded = registry.standard;
  for (const hook of hooks) hook(loaded);
  return loaded;
}

/** Runs `hook` when the standard classes are loaded (at once if they are). */
export function onStandardLoad(hook: (standard: StandardClasses) => void): void {
  if (loaded !== undefined) hook(loaded);
  else hooks.push(hook);
}
