/**
 * A lightweight `Headers`, installed as `globalThis.Headers` with the lightweight Response and the lazy
 * Request, so an app that only reads and writes headers never loads undici.
 *
 * It keeps the Fetch standard's header list (lower-case names, values normalized, in order) and
 * does what the standard's algorithms do: names must be tokens, values lose leading and trailing
 * HTTP whitespace and may hold no NUL, CR or LF, `get` combines repeats with ", " ("; " for
 * Cookie, as undici does), iteration is
 * sorted by name and combined (each Set-Cookie apart), iterators and `forEach` see changes made
 * while they run, `getSetCookie`, and the immutable guard (`Response.redirect`). Anything else
 * (bad input, arguments that need WebIDL conversion, an init that is not an array or a plain
 * object, a method called on a foreign object) goes to a real `Headers`: the object copies its
 * list into one and forwards to it from then on, so errors and edge cases are the standard's own.
 * The standard's other guards ("request", "response") forbid nothing in Node.
 */
// biome-ignore-all lint/complexity/noArguments: the standard counts the arguments given (`append('a')` throws), and each method keeps its standard `length`
import { installGlobal, onStandardLoad, standardClasses, undiciLoaded } from './standard-classes.js';
import { httpToken } from './token.js';

const listKey = Symbol('headers.list');
const realKey = Symbol('headers.real');
const immutableKey = Symbol('headers.immutable');
const sortedKey = Symbol('headers.sorted');

type Pair = [string, string];
type Method = 'append' | 'delete' | 'get' | 'getSetCookie' | 'has' | 'set' | 'forEach' | 'entries' | 'keys' | 'values';

let hasBrand: (value: object) => boolean;

class LightweightHeaders {
  /** Flat `[name, value, ...]`: lower-case names, normalized values, in the order added. */
  declare [listKey]: string[];
  /** Once set, every operation goes to this real Headers. */
  declare [realKey]: Headers | undefined;
  declare [immutableKey]: boolean;
  declare [sortedKey]: Pair[] | undefined;
  /** The brand: `#brand in value` tells a lightweight Headers without touching the value (a Proxy sees no trap). */
  #brand: undefined;

  static {
    hasBrand = (value) => #brand in value;
  }

  constructor(init?: HeadersInit) {
    this[listKey] = [];
    this[realKey] = undefined;
    this[immutableKey] = false;
    this[sortedKey] = undefined;
    if (init !== undefined && !fillList(this[listKey], init)) {
      this[listKey] = [];
      this[realKey] = new (standardClasses().Headers)(init); // the standard's conversion and errors
    }
  }

  static [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    if (this !== LightweightHeaders) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isLightweightHeaders(value) || (undiciLoaded() && value instanceof standardClasses().Headers);
  }

  append(name: string, value: string): void {
    if (this[realKey] !== undefined || arguments.length < 2 || this[immutableKey] || !this[listKey]) return slow(this, 'append', arguments);
    const lower = validName(name);
    const normal = lower === undefined ? undefined : validValue(value);
    if (normal === undefined) return slow(this, 'append', arguments);
    this[listKey].push(lower!, normal);
    this[sortedKey] = undefined;
  }

  delete(name: string): void {
    if (this[realKey] !== undefined || arguments.length < 1 || this[immutableKey] || !this[listKey]) return slow(this, 'delete', arguments);
    const lower = validName(name);
    if (lower === undefined) return slow(this, 'delete', arguments);
    const list = this[listKey];
    let to = 0;
    for (let from = 0; from < list.length; from += 2) {
      if (list[from] === lower) continue;
      list[to] = list[from];
      list[to + 1] = list[from + 1];
      to += 2;
    }
    if (to !== list.length) {
      list.length = to;
      this[sortedKey] = undefined;
    }
  }

  get(name: string): string | null {
    if (this[realKey] !== undefined || arguments.length < 1 || !this[listKey]) return slow(this, 'get', arguments);
    const lower = validName(name);
    if (lower === undefined) return slow(this, 'get', arguments);
    const list = this[listKey];
    const separator = lower === 'cookie' ? '; ' : ', '; // undici joins Cookie with "; "
    let found: string | null = null;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === lower) found = found === null ? list[i + 1] : found + separator + list[i + 1];
    }
    return found;
  }

  getSetCookie(): string[] {
    if (this[realKey] !== undefined || !this[listKey]) return slow(this, 'getSetCookie', arguments);
    const list = this[listKey];
    const cookies: string[] = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === 'set-cookie') cookies.push(list[i + 1]);
    return cookies;
  }

  has(name: string): boolean {
    if (this[realKey] !== undefined || arguments.length < 1 || !this[listKey]) return slow(this, 'has', arguments);
    const lower = validName(name);
    if (lower === undefined) return slow(this, 'has', arguments);
    const list = this[listKey];
    for (let i = 0; i < list.length; i += 2) if (list[i] === lower) return true;
    return false;
  }

  set(name: string, value: string): void {
    if (this[realKey] !== undefined || arguments.length < 2 || this[immutableKey] || !this[listKey]) return slow(this, 'set', arguments);
    const lower = validName(name);
    const normal = lower === undefined ? undefined : validValue(value);
    if (normal === undefined) return slow(this, 'set', arguments);
    const list = this[listKey];
    let first = -1;
    let to = 0;
    for (let from = 0; from < list.length; from += 2) {
      if (list[from] === lower) {
        if (first !== -1) continue; // later ones are removed
        first = to;
      }
      list[to] = list[from];
      list[to + 1] = list[from + 1];
      to += 2;
    }
    list.length = to;
    if (first === -1) list.push(lower!, normal);
    else list[first + 1] = normal;
    this[sortedKey] = undefined;
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    if (typeof callback !== 'function' || !this[listKey]) return slow(this, 'forEach', arguments);
    // the pairs are read again after each call, as the standard's forEach does
    for (let i = 0; ; i++) {
      const pairs = sortedPairs(this);
      if (i >= pairs.length) return;
      callback.call(thisArg, pairs[i][1], pairs[i][0], this as unknown as Headers);
    }
  }

  entries(): IterableIterator<Pair> {
    if (!this[listKey]) return slow(this, 'entries', arguments);
    return headersIterator(this, 2);
  }

  keys(): IterableIterator<string> {
    if (!this[listKey]) return slow(this, 'keys', arguments);
    return headersIterator(this, 0);
  }

  values(): IterableIterator<string> {
    if (!this[listKey]) return slow(this, 'values', arguments);
    return headersIterator(this, 1);
  }
}

type IteratorKind = 0 | 1 | 2; // keys, values, entries

const iteratorTarget = Symbol('headers.iterator.target');
const iteratorKind = Symbol('headers.iterator.kind');
const iteratorIndex = Symbol('headers.iterator.index');

interface HeadersIterator {
  [iteratorTarget]: LightweightHeaders;
  [iteratorKind]: IteratorKind;
  [iteratorIndex]: number;
}

/** As the standard's: a prototype with `next` and a tag, over %IteratorPrototype%. */
const iteratorPrototype = Object.create(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), {
  next: {
    enumerable: true,
    writable: true,
    configurable: true,
    // the standard's default iterator reads the sorted pairs again on every step
    value: function next(this: HeadersIterator): IteratorResult<unknown> {
      const target = this?.[iteratorTarget];
      if (target === undefined) {
        // the standard's own error for a foreign `this`
        return Object.getPrototypeOf(new (standardClasses().Headers)().entries()).next.call(this);
      }
      const pairs = sortedPairs(target);
      const index = this[iteratorIndex];
      if (index >= pairs.length) return { value: undefined, done: true };
      this[iteratorIndex] = index + 1;
      const pair = pairs[index];
      const kind = this[iteratorKind];
      return { value: kind === 0 ? pair[0] : kind === 1 ? pair[1] : [pair[0], pair[1]], done: false };
    },
  },
  [Symbol.toStringTag]: { value: 'Headers Iterator', configurable: true },
});

function headersIterator(target: LightweightHeaders, kind: IteratorKind): any {
  const iterator = Object.create(iteratorPrototype) as HeadersIterator;
  iterator[iteratorTarget] = target;
  iterator[iteratorKind] = kind;
  iterator[iteratorIndex] = 0;
  return iterator;
}

const proto = LightweightHeaders.prototype as unknown as Record<PropertyKey, unknown>;
for (const name of ['append', 'delete', 'get', 'getSetCookie', 'has', 'set', 'keys', 'values', 'entries', 'forEach']) {
  Object.defineProperty(proto, name, { enumerable: true });
}
Object.defineProperty(proto.forEach, 'length', { value: 1 }); // (callback, thisArg?)
Object.defineProperty(proto, Symbol.iterator, { value: proto.entries, writable: true, configurable: true });
Object.defineProperty(proto, Symbol.toStringTag, { value: 'Headers', configurable: true });
Object.defineProperty(proto, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: LightweightHeaders, _depth: number, options: object, inspect: (value: unknown, options: object) => string) {
    const real = this[realKey];
    if (real) return inspect(real, options);
    const shown: Record<string, string> = {};
    const list = this[listKey];
    for (let i = 0; i < list.length; i += 2) shown[list[i]] = list[i] in shown ? `${shown[list[i]]}, ${list[i + 1]}` : list[i + 1];
    return `Headers ${inspect(shown, options)}`;
  },
});
Object.defineProperty(LightweightHeaders, 'name', { value: 'Headers' });
Object.defineProperty(LightweightHeaders, 'length', { value: 0 }); // as the standard's (init?)

// Once undici is loaded: a lightweight Headers is also an instance of the standard class
onStandardLoad((standard) => {
  Object.setPrototypeOf(LightweightHeaders.prototype, standard.Headers.prototype);
  Object.setPrototypeOf(LightweightHeaders, standard.Headers);
});

/**
 * The standard does it: a method called on a foreign object (the standard's brand check), on
 * headers already forwarding, or with input the fast path does not take. The list is copied into
 * a real Headers first (appending normalized values again changes nothing), which the object then
 * forwards to. Immutable headers stay immutable: a change goes to an immutable real Headers,
 * which throws the standard's error.
 */
function slow(self: unknown, method: Method, args: IArguments): any {
  const standard = standardClasses();
  if (!isLightweightHeaders(self)) return (standard.Headers.prototype[method] as (...a: unknown[]) => unknown).apply(self, [...args]);
  let real = self[realKey];
  if (real === undefined) {
    if (self[immutableKey] && (method === 'append' || method === 'delete' || method === 'set')) {
      const frozen = standard.Response.error().headers;
      return (frozen[method] as (...a: unknown[]) => unknown).apply(frozen, [...args]);
    }
    real = toRealHeaders(self as unknown as Headers, new standard.Headers());
  } else if (self[immutableKey] && (method === 'append' || method === 'delete' || method === 'set')) {
    const frozen = standard.Response.error().headers;
    return (frozen[method] as (...a: unknown[]) => unknown).apply(frozen, [...args]);
  }
  return (real[method] as (...a: unknown[]) => unknown).apply(real, [...args]);
}

/** The sorted and combined pairs the standard iterates over (cached until the next change). */
function sortedPairs(headers: LightweightHeaders): Pair[] {
  const real = headers[realKey];
  if (real) return [...real] as Pair[];
  const cached = headers[sortedKey];
  if (cached) return cached;
  const list = headers[listKey];
  const names: string[] = [];
  for (let i = 0; i < list.length; i += 2) if (!names.includes(list[i])) names.push(list[i]);
  names.sort();
  const pairs: Pair[] = [];
  for (const name of names) {
    if (name === 'set-cookie') {
      for (let i = 0; i < list.length; i += 2) if (list[i] === name) pairs.push([name, list[i + 1]]);
      continue;
    }
    const separator = name === 'cookie' ? '; ' : ', ';
    let value: string | undefined;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === name) value = value === undefined ? list[i + 1] : value + separator + list[i + 1];
    }
    pairs.push([name, value!]);
  }
  headers[sortedKey] = pairs;
  return pairs;
}

// names seen before, valid, to their lower-case form
const knownNames = new Map<string, string>();

/** The lower-case name, or undefined when it is not a string holding an HTTP token. */
function validName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  let lower = knownNames.get(name);
  if (lower === undefined) {
    if (!httpToken.test(name)) return undefined;
    lower = name.toLowerCase();
    if (knownNames.size < 1024) knownNames.set(name, lower);
  }
  return lower;
}

/** The normalized value (leading and trailing HTTP whitespace removed), or undefined when the standard would refuse it or convert it. */
function validValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  for (let i = start; i < end; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === 10 || code === 13 || code > 0xff) return undefined;
  }
  // a character above 0xff before or after the whitespace is a ByteString error too
  if (start > 0 || end < value.length) {
    for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return undefined;
    return value.slice(start, end);
  }
  return value;
}

function isHttpWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * Appends what `init` holds to `list`, validated and normalized; false (list left partial) when
 * the standard must do it: anything but an array of two-item arrays, a lightweight Headers or a
 * record of names to values, or anything to refuse. `init` is read as WebIDL reads a
 * `HeadersInit`, step for step (a Proxy or a getter sees the same calls in the same order):
 * `@@iterator` first (present: a sequence; absent: a record), then for a record its own keys, and
 * for each key its descriptor, then, when enumerable, its value.
 */
export function fillList(list: string[], init: unknown): boolean {
  if (typeof init !== 'object' || init === null) return false;
  const iterate = (init as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (iterate !== undefined && iterate !== null) {
    if (iterate === LightweightHeaders.prototype.entries && isLightweightHeaders(init)) {
      // a Headers init is read as a sequence, through its iterator: sorted, combined, normalized again
      for (const [name, value] of sortedPairs(init)) addPair(list, name, value);
      return true;
    }
    if (iterate !== arrayValues || !Array.isArray(init)) return false;
    for (let i = 0; i < init.length; i++) {
      const pair = init[i];
      if (!Array.isArray(pair) || pair.length !== 2 || pair[Symbol.iterator] !== arrayValues) return false;
      if (!addPair(list, pair[0], pair[1])) return false;
    }
    return true;
  }
  const record = init as Record<string | symbol, unknown>;
  if (isProxy(record)) {
    // WebIDL's record conversion, step by step (a proxy's traps see every one): own keys, and for
    // each its descriptor and, when enumerable, its value
    for (const key of Reflect.ownKeys(record)) {
      if (!isEnumerableOwn.call(record, key)) continue;
      if (typeof key === 'symbol') symbolKeyError(key);
      if (!addPair(list, key, record[key])) return false;
    }
    return true;
  }
  // any other object is read as undici reads it: the keys Object.keys gave at the start, each
  // value read even if an earlier getter deleted its key, then a TypeError for any own symbol key
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) if (!addPair(list, keys[i], record[keys[i]])) return false;
  const symbols = Object.getOwnPropertySymbols(record);
  if (symbols.length > 0) symbolKeyError(symbols[0]);
  return true;
}

const isEnumerableOwn = Object.prototype.propertyIsEnumerable;
const isProxy = (process.getBuiltinModule('node:util') as typeof import('node:util')).types.isProxy;

/** A symbol key: the standard's TypeError, without reading `init` a second time. */
function symbolKeyError(key: symbol): never {
  new (standardClasses().Headers)({ [key]: '' });
  throw new TypeError('a header name cannot be a symbol'); // not reached: the standard class throws
}

const arrayValues = Array.prototype[Symbol.iterator];

function addPair(list: string[], name: unknown, value: unknown): boolean {
  const lower = validName(byteStringPrimitive(name));
  if (lower === undefined) return false;
  const normal = validValue(byteStringPrimitive(value));
  if (normal === undefined) return false;
  list.push(lower, normal);
  return true;
}

/** A primitive as WebIDL's ByteString conversion makes it a string (`1` → "1", `null` → "null"); objects and symbols stay for the standard. */
function byteStringPrimitive(value: unknown): unknown {
  if (value === null) return 'null';
  return typeof value === 'string' || typeof value === 'object' || typeof value === 'symbol' || typeof value === 'function' ? value : String(value);
}

export function isLightweightHeaders(value: unknown): value is LightweightHeaders {
  return typeof value === 'object' && value !== null && hasBrand(value);
}

/**
 * Copies the list of lightweight `headers` into `real` (a real Headers, empty or not) and makes
 * `headers` forward to it from then on. Returns `real`.
 */
export function toRealHeaders(headers: Headers, real: Headers): Headers {
  const light = headers as unknown as LightweightHeaders;
  const list = light[listKey];
  for (let i = 0; i < list.length; i += 2) real.append(list[i], list[i + 1]);
  light[realKey] = real;
  light[listKey] = [];
  light[sortedKey] = undefined;
  return real;
}

/** Makes lightweight `headers` forward to `real` (which holds the same list already) from now on. */
export function switchToReal(headers: Headers, real: Headers): void {
  const light = headers as unknown as LightweightHeaders;
  light[realKey] = real;
  light[listKey] = [];
  light[sortedKey] = undefined;
}

/** Lightweight headers over `list` (lower-case names, valid normalized values), kept by reference. */
export function headersOver(list: string[], immutable = false): Headers {
  const headers = new LightweightHeaders();
  headers[listKey] = list;
  headers[immutableKey] = immutable;
  return headers as unknown as Headers;
}

/** Lightweight headers that forward to `real` (a real Headers) from the start. */
export function headersForwardingTo(real: Headers, immutable = false): Headers {
  const headers = new LightweightHeaders();
  headers[realKey] = real;
  headers[immutableKey] = immutable;
  return headers as unknown as Headers;
}

/**
 * The header list as flat `[name, value, ...]` pairs: the live list of lightweight headers that
 * do not forward (the caller must not keep changes), else the standard's iteration.
 */
export function headerList(headers: Headers): string[] {
  if (isLightweightHeaders(headers) && headers[realKey] === undefined) return headers[listKey];
  const flat: string[] = [];
  for (const [name, value] of isLightweightHeaders(headers) ? headers[realKey]! : headers) flat.push(name, value);
  return flat;
}

/** Whether `headers` are lightweight and immutable (a redirect's). */
export function isImmutableHeaders(headers: Headers): boolean {
  return isLightweightHeaders(headers) && headers[immutableKey];
}

/**
 * Appends a header that needs no conversion straight to lightweight `headers`: a token name and a
 * value of ASCII without CR, LF or NUL and no whitespace at either end (what `appendHeader` and the
 * standard's `append` would store unchanged). False, nothing appended, for anything else.
 */
export function appendPlainHeader(headers: Headers, name: string, value: string): boolean {
  if (!isLightweightHeaders(headers) || headers[realKey] !== undefined || headers[immutableKey]) return false;
  const lower = validName(name);
  if (lower === undefined || typeof value !== 'string') return false;
  const end = value.length - 1;
  if (end >= 0 && (isHttpWhitespace(value.charCodeAt(0)) || isHttpWhitespace(value.charCodeAt(end)))) return false;
  for (let i = 0; i <= end; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === 10 || code === 13 || code > 0x7f) return false;
  }
  headers[listKey].push(lower, value);
  headers[sortedKey] = undefined;
  return true;
}

/** Lightweight headers from a flat `[name, value, name, value...]` list (Node's `rawHeaders`); HTTP/2 pseudo-headers are skipped. */
export function headersFromFlatList(flat: readonly string[]): Headers {
  const headers = new LightweightHeaders();
  const list = headers[listKey];
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    if (name.charCodeAt(0) === 58 /* : */) continue;
    if (!addPair(list, name, flat[i + 1])) headers.append(name, flat[i + 1]); // the standard decides (and throws)
  }
  return headers as unknown as Headers;
}

/** The lightweight class (named `Headers`). */
export function lightweightHeadersClass(): typeof Headers {
  return LightweightHeaders as unknown as typeof Headers;
}

let installed = false;

/** Makes `new Headers(...)` build the lightweight class everywhere in this process, without loading undici. Idempotent. */
export function installLightweightHeaders(): void {
  if (installed) return;
  installed = true;
  installGlobal('Headers', LightweightHeaders);
}
