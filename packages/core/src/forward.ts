/**
 * What the lazy `Request` and the fast `Response` share: everything the lightweight class does not
 * answer itself goes to the real (undici) object, built on first use — read-only properties
 * (cache, mode, body...) as getters, methods (clone, formData, blob...) as methods, and undici's
 * internal symbols (read by `new Request(r)`, `fetch(r)`...) as getters. The prototype then chains
 * to the standard one (its members in the standard's order, enumerable as there), and
 * `util.inspect` shows `inspect(self)`.
 */
export function forwardToReal<T>(
  lightweight: object,
  standard: object,
  sample: object,
  real: (self: T) => any,
  inspect: (self: T) => unknown,
): void {
  for (const name of Object.getOwnPropertyNames(standard)) {
    if (name === 'constructor' || Object.prototype.hasOwnProperty.call(lightweight, name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(standard, name)!;
    if (descriptor.get) {
      Object.defineProperty(lightweight, name, {
        configurable: true,
        enumerable: true,
        get(this: T) {
          return real(this)[name];
        },
      });
    } else if (typeof descriptor.value === 'function') {
      Object.defineProperty(lightweight, name, {
        configurable: true,
        writable: true,
        value(this: T, ...args: unknown[]) {
          return real(this)[name](...args);
        },
      });
    }
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
  Object.defineProperty(lightweight, Symbol.for('nodejs.util.inspect.custom'), {
    value(this: T) {
      return inspect(this);
    },
  });
}
