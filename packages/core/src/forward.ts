/**
 * What the lazy `Request` and the fast `Response` share: everything the lightweight class does not
 * answer itself goes to the real (undici) object, built on first use — read-only properties
 * (cache, mode, body...) as getters, methods (clone, formData, blob...) as methods, and undici's
 * internal symbols (read by `new Request(r)`, `fetch(r)`...) as getters.
 *
 * Before undici is loaded, `forwardByName` defines those forwarders from the standard's member
 * names (so touching one loads undici then); `forwardToReal`, once it is loaded, adds what this
 * Node's class has beyond them, drops what it lacks, chains the prototype to the standard one
 * (its members in the standard's order, enumerable as there), and `util.inspect` shows `inspect(self)`.
 */
const byName = new WeakMap<object, Set<string>>();

export function forwardByName<T>(lightweight: object, names: readonly string[], real: (self: T) => any): void {
  const defined = new Set<string>();
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(lightweight, name)) continue;
    defined.add(name);
    defineForwarder(lightweight, name, name.startsWith('get ') ? 'get' : 'method', real);
  }
  byName.set(lightweight, defined);
}

function defineForwarder<T>(lightweight: object, key: string | symbol, kind: 'get' | 'method', real: (self: T) => any): void {
  const name = typeof key === 'string' && key.startsWith('get ') ? key.slice(4) : key;
  if (kind === 'get') {
    Object.defineProperty(lightweight, name, {
      configurable: true,
      enumerable: true,
      get(this: T) {
        return real(this)[name];
      },
    });
  } else {
    Object.defineProperty(lightweight, name, {
      configurable: true,
      writable: true,
      enumerable: true,
      value(this: T, ...args: unknown[]) {
        return real(this)[name](...args);
      },
    });
  }
}

export function forwardToReal<T>(lightweight: object, standard: object, sample: object, real: (self: T) => any, inspect: (self: T) => unknown): void {
  const defined = byName.get(lightweight) ?? new Set<string>();
  for (const key of defined) {
    const name = key.startsWith('get ') ? key.slice(4) : key;
    if (!Object.prototype.hasOwnProperty.call(standard, name)) delete (lightweight as Record<string, unknown>)[name];
  }
  for (const name of Object.getOwnPropertyNames(standard)) {
    if (name === 'constructor' || Object.prototype.hasOwnProperty.call(lightweight, name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(standard, name)!;
    if (descriptor.get) defineForwarder(lightweight, `get ${name}`, 'get', real);
    else if (typeof descriptor.value === 'function') defineForwarder(lightweight, name, 'method', real);
  }
  for (const key of Reflect.ownKeys(sample)) {
    if (typeof key !== 'symbol') continue;
    Object.defineProperty(lightweight, key, {
      configurable: true,
      get(this: T) {
        return real(this)[key];
      },
    });
  }
  // the standard's order and enumerability, so `for...in` lists what it lists for a real object
  for (const name of Object.getOwnPropertyNames(standard)) {
    const own = name === 'constructor' ? undefined : Object.getOwnPropertyDescriptor(lightweight, name);
    if (!own) continue;
    delete (lightweight as Record<string, unknown>)[name];
    Object.defineProperty(lightweight, name, { ...own, enumerable: Object.getOwnPropertyDescriptor(standard, name)!.enumerable });
  }
  Object.setPrototypeOf(lightweight, standard);
  defineInspect(lightweight, inspect);
}

/** `util.inspect` shows `inspect(self)`. */
export function defineInspect<T>(lightweight: object, inspect: (self: T) => unknown): void {
  Object.defineProperty(lightweight, Symbol.for('nodejs.util.inspect.custom'), {
    configurable: true,
    value(this: T) {
      return inspect(this);
    },
  });
}
