import { describe, expect, it } from 'vitest';
import { normalizeBasePath, stripBasePath } from './base-path.js';

describe('normalizeBasePath', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['/', ''],
    ['app', '/app'],
    ['/app/', '/app'],
    ['/Shop/App', '/Shop/App'],
  ])('%s → %s', (value, expected) => expect(normalizeBasePath(value)).toBe(expected));

  it.each(['/app?x=1', '\\app', '/my app', '/a%2Fb'])('refuses %s', (value) => {
    expect(() => normalizeBasePath(value)).toThrow('option "basePath" must be a URL path');
  });
});

describe('stripBasePath', () => {
  it.each([
    ['/app/items?x=1', '/app', '/items?x=1'],
    ['/APP/Items', '/app', '/Items'],
    ['/App/Items', '/APP', '/Items'],
    ['/app', '/app', '/'],
    ['/app/', '/app', '/'],
    ['/app?x=1', '/app', '/?x=1'],
    ['/app/a%2Fb?q=%20', '/app', '/a%2Fb?q=%20'],
    ['/shop/app/x', '/shop/app', '/x'],
    ['/anything', '', '/anything'],
  ])('%s under %s → %s', (target, base, expected) => expect(stripBasePath(target, base)).toBe(expected));

  it.each([
    ['/application', '/app'],
    ['/ap', '/app'],
    ['/', '/app'],
    ['/other/app', '/app'],
    ['/app2/x', '/app'],
    ['/?app', '/app'],
  ])('%s lies outside %s', (target, base) => expect(stripBasePath(target, base)).toBeUndefined());
});
