/**
 * A `HeadersInit` is read as WebIDL reads it: `@@iterator` first (a sequence when present, a record
 * when not), then a record's own keys, and for each key its descriptor and, when enumerable, its
 * value. A Proxy or a getter can watch every step, so the lightweight Headers must take the same
 * steps, in the same order, as the standard class: each case logs them on both and compares.
 */
import { describe, expect, it } from 'vitest';
import { lightweightHeadersClass } from './lightweight-headers.js';
import { standardClasses } from './standard-classes.js';

const Light = lightweightHeadersClass();
const { Headers: Standard } = standardClasses();

type Step = string | unknown[];

/** The traps a conversion runs on `target`, and what came of it (the pairs, or the error's class). */
function watch(HeadersClass: typeof Headers, target: object, handler: ProxyHandler<object> = {}): Step[] {
  const log: Step[] = [];
  const proxy = new Proxy(target, {
    ownKeys(inner) {
      log.push('ownKeys');
      return handler.ownKeys ? handler.ownKeys(inner) : Reflect.ownKeys(inner);
    },
    getOwnPropertyDescriptor(inner, key) {
      log.push(`descriptor ${String(key)}`);
      return handler.getOwnPropertyDescriptor ? handler.getOwnPropertyDescriptor(inner, key) : Reflect.getOwnPropertyDescriptor(inner, key);
    },
    get(inner, key, receiver) {
      log.push(`get ${String(key)}`);
      return Reflect.get(inner, key, receiver);
    },
  });
  try {
    log.push([...new HeadersClass(proxy as HeadersInit)]);
  } catch (error) {
    log.push(`throws ${(error as Error).constructor.name}`);
  }
  return log;
}

function sameSteps(target: () => object, handler?: ProxyHandler<object>): Step[] {
  const standard = watch(Standard, target(), handler);
  expect(watch(Light, target(), handler)).toEqual(standard);
  return standard;
}

describe('a record init, step by step as the standard reads it', () => {
  it('two string properties: @@iterator, the keys, then descriptor and value of each in turn', () => {
    expect(sameSteps(() => ({ a: '1', b: '2' }))).toEqual([
      'get Symbol(Symbol.iterator)',
      'ownKeys',
      'descriptor a',
      'get a',
      'descriptor b',
      'get b',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ]);
  });

  it('non-enumerable properties are looked at and skipped, string and symbol keys alike', () => {
    sameSteps(() => {
      const target = { a: '1' };
      Object.defineProperty(target, 'hidden', { value: 'x', enumerable: false });
      Object.defineProperty(target, Symbol('hidden'), { value: 'y', enumerable: false });
      return target;
    });
  });

  it('a key whose descriptor is undefined is skipped', () => {
    sameSteps(() => ({ a: '1', b: '2' }), {
      ownKeys: () => ['a', 'b', 'c'],
      getOwnPropertyDescriptor: (inner, key) => (key === 'b' ? undefined : Reflect.getOwnPropertyDescriptor(inner, key)),
    });
  });

  it('an enumerable symbol key is a TypeError, and the object is read once', () => {
    const steps = sameSteps(() => ({ a: '1', [Symbol('s')]: 'x' }));
    expect(steps.at(-1)).toBe('throws TypeError');
  });

  it('numbers, null and undefined become strings, each value read once', () => {
    expect(sameSteps(() => ({ a: 1, b: null, c: undefined, d: true })).at(-1)).toEqual([
      ['a', '1'],
      ['b', 'null'],
      ['c', 'undefined'],
      ['d', 'true'],
    ]);
  });

  it('getters run once each, in key order', () => {
    for (const HeadersClass of [Standard, Light]) {
      const calls: string[] = [];
      const init = {
        get b() {
          calls.push('b');
          return '2';
        },
        get a() {
          calls.push('a');
          return '1';
        },
      };
      expect([...new HeadersClass(init)]).toEqual([
        ['a', '1'],
        ['b', '2'],
      ]);
      expect(calls).toEqual(['b', 'a']);
    }
  });

  // an object that is no proxy is read as undici reads it (Object.keys, then its symbols), which
  // differs from WebIDL's steps only where a getter changes the object or a symbol key is hidden
  it('a getter that deletes a later key, or adds one: the same pairs as the standard class', () => {
    const init = () => {
      const record: Record<string, string> = {
        get a() {
          delete record.b;
          record.z = 'added';
          return '1';
        },
        b: '2',
        c: '3',
      };
      return record;
    };
    expect([...new Light(init())]).toEqual([...new Standard(init())]);
  });

  it('a symbol key, enumerable or hidden, throws the TypeError after every string key was read', () => {
    for (const HeadersClass of [Standard, Light]) {
      const calls: string[] = [];
      const init = {
        [Symbol('first')]: 'x',
        get a() {
          calls.push('a');
          return '1';
        },
      };
      expect(() => new HeadersClass(init)).toThrow(TypeError);
      expect(calls).toEqual(['a']);
      const hidden = { a: '1' };
      Object.defineProperty(hidden, Symbol('hidden'), { value: 'y', enumerable: false });
      expect(() => new HeadersClass(hidden)).toThrow(TypeError);
    }
  });
});

describe('a sequence init', () => {
  it('a Headers with its own @@iterator is read through that iterator, not copied', () => {
    for (const HeadersClass of [Standard, Light]) {
      const source = new HeadersClass({ ignored: 'x' });
      Object.defineProperty(source, Symbol.iterator, {
        *value() {
          yield ['test', 'test'];
        },
      });
      const copy = new HeadersClass(source);
      expect([...copy]).toEqual([['test', 'test']]);
    }
  });

  it('a lightweight Headers is read as a sequence: sorted and combined', () => {
    const source = new Light([
      ['b', '2'],
      ['a', '1'],
      ['b', '3'],
    ]);
    expect([...new Light(source)]).toEqual([...new Standard(new Standard([...source]))]);
    expect([...new Light(source)]).toEqual([
      ['a', '1'],
      ['b', '2, 3'],
    ]);
  });

  it('a Proxy over an array is read through its iterator, as the standard reads it', () => {
    sameSteps(() => [['a', '1']]);
  });
});
