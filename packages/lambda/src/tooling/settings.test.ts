import { describe, expect, test } from 'vitest';
import { checkRegion } from './aws.js';
import { handlerOptions } from './bundle.js';
import { defaultFunctionName, resolveLambdaSettings } from './settings.js';

describe('defaultFunctionName', () => {
  test.each([
    ['my-app', 'prod', 'my-app-prod'],
    ['@scope/my-app', 'dev', 'my-app-dev'],
    ['My App!', 'dev', 'My-App-dev'],
    ['', 'dev', 'adapt-app-dev'],
    ['a'.repeat(80), 'staging', `${'a'.repeat(56)}-staging`],
  ])('%s, stage %s -> %s', (app, stage, name) => {
    expect(defaultFunctionName(app, stage)).toBe(name);
    expect(name.length).toBeLessThanOrEqual(64);
  });
});

describe('checkRegion', () => {
  test.each(['us-east-1', 'eu-central-2', 'ap-southeast-7', 'us-gov-west-1', 'cn-north-1'])('%s is a region', (region) => {
    expect(() => checkRegion(region, undefined, 'test')).not.toThrow();
  });
  test('a well-formed unknown region passes only with a custom endpoint', () => {
    expect(() => checkRegion('xx-test-9', 'http://127.0.0.1:4566', 'test')).not.toThrow();
    expect(() => checkRegion('xx-test-9', undefined, 'test')).toThrow('"xx-test-9" (from test) is not a region AWS Lambda runs in.');
  });
});

describe('resolveLambdaSettings', () => {
  const base = { appName: 'shop', config: {} };
  test('trustProxy goes into the handler options the bundle compiles in; unset or false adds nothing', () => {
    expect(handlerOptions(resolveLambdaSettings({ ...base, stage: 'dev', settings: { trustProxy: ['130.176.0.0/16'] } }))).toEqual({ trustProxy: ['130.176.0.0/16'] });
    expect(handlerOptions(resolveLambdaSettings({ ...base, stage: 'dev', settings: { trustProxy: false } }))).toEqual({});
    expect(handlerOptions(resolveLambdaSettings({ ...base, stage: 'dev', settings: {} }))).toEqual({});
  });
  test('defaults', () => {
    expect(resolveLambdaSettings({ ...base, stage: 'dev', settings: {} })).toMatchObject({
      functionName: 'shop-dev',
      alias: 'live',
      runtime: 'nodejs24.x',
      architecture: 'arm64',
      memory: 1024,
      timeout: 30,
      env: {},
      url: undefined,
      removeUrl: false,
      streaming: false,
      smokePath: '/',
      description: 'adapt: shop (dev)',
    });
  });
  test('url forms and smoke', () => {
    expect(resolveLambdaSettings({ ...base, stage: 'dev', settings: { url: true, smoke: false } })).toMatchObject({ url: { auth: 'NONE' }, smokePath: undefined });
    expect(resolveLambdaSettings({ ...base, stage: 'dev', settings: { url: { auth: 'AWS_IAM' }, smoke: { path: '/health' } } })).toMatchObject({
      url: { auth: 'AWS_IAM' },
      smokePath: '/health',
    });
    expect(resolveLambdaSettings({ ...base, stage: 'dev', settings: { url: false } })).toMatchObject({ url: undefined, removeUrl: true });
  });
  test('an endpoint that is not a URL', () => {
    expect(() => resolveLambdaSettings({ ...base, stage: 'dev', settings: { endpoint: 'localhost:4566' } })).toThrow(
      'targets.lambda.endpoint: "localhost:4566" is not an http(s) URL',
    );
  });
});

describe('refuseMethods', () => {
  test('goes into the bundle as the handler option', async () => {
    const { handlerOptions } = await import('./bundle.js');
    const settings = resolveLambdaSettings({ appName: 'shop', config: {}, stage: 'dev', settings: { refuseMethods: ['TRACE'] } });
    expect(handlerOptions(settings)).toEqual({ refuseMethods: ['TRACE'] });
    expect(handlerOptions(resolveLambdaSettings({ appName: 'shop', config: {}, stage: 'dev', settings: {} }))).toEqual({});
  });
});
