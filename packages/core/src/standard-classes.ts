/**
 * The standard (undici) `Headers`, `Request`, `Response` and `fetch`, reached without loading
 * undici until something needs them.
 *
 * Node defines those globals as lazy getters: the first read loads undici (45-65 ms). Core's
 * lightweight classes are installed over them with `installGlobal`, which keeps the original
 * property here without reading it; `standardClasses()` loads undici the first time it is called
 * (an app touched something the lightweight classes hand to the real ones), puts the lightweight
 * classes back (Node's getter redefines the global as it loads) and runs every `onStandardLoad`
 * hook, which wires a lightweight class to its standard one (prototype chain, forwarders).
 */

export interface StandardClasses {
  Headers: typeof Headers;
  Request: typeof Request;
  Response: typeof Response;
  fetch: typeof fetch;
}

type GlobalName = keyof StandardClasses;

const names: GlobalName[] = ['Headers', 'Request', 'Response', 'fetch'];
/** Each global as Node defined it, before core installed its own. */
const originals = new Map<GlobalName, PropertyDescriptor | undefined>();
/** What core installed, put back after Node's getter replaced it. */
const installed = new Map<GlobalName, PropertyDescriptor>();
const hooks: Array<(standard: StandardClasses) => void> = [];
let loaded: StandardClasses | undefined;

function capture(name: GlobalName): void {
  if (!originals.has(name)) originals.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
}

/** Whether undici was loaded already, before core installed anything (a test runner, the app's own code). */
function loadedBefore(name: GlobalName): boolean {
  if (name === 'fetch') return false; // a plain function that loads undici on its first call
  const descriptor = originals.get(name);
  return descriptor !== undefined && !descriptor.get;
}

/** Installs `value` as `globalThis[name]`, keeping the standard one (unread) for `standardClasses()`. */
export function installGlobal(name: GlobalName, value: unknown, enumerable: boolean): void {
  capture(name);
  const descriptor: PropertyDescriptor = { value, writable: true, configurable: true, enumerable };
  installed.set(name, descriptor);
  Object.defineProperty(globalThis, name, descriptor);
  // real instances may already exist: wire at once (undici is there, so this costs nothing)
  if (loaded === undefined && loadedBefore(name)) standardClasses();
}

/** True once `standardClasses()` has run: before that, no standard Headers, Request or Response exists. */
export function standardLoaded(): boolean {
  return loaded !== undefined;
}

/** The standard classes; loads undici on the first call. */
export function standardClasses(): StandardClasses {
  if (loaded !== undefined) return loaded;
  const found: Partial<Record<GlobalName, unknown>> = {};
  for (const name of names) {
    capture(name);
    const descriptor = originals.get(name);
    found[name] = descriptor === undefined ? undefined : descriptor.get ? descriptor.get.call(globalThis) : descriptor.value;
    const own = installed.get(name);
    if (own) Object.defineProperty(globalThis, name, own); // Node's getter has just redefined the global
  }
  loaded = found as unknown as StandardClasses;
  for (const hook of hooks) hook(loaded);
  return loaded;
}

/** Runs `hook` when the standard classes are loaded (at once if they are). */
export function onStandardLoad(hook: (standard: StandardClasses) => void): void {
  if (loaded !== undefined) hook(loaded);
  else hooks.push(hook);
}
