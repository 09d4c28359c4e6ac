import { fromNodeHandler } from '@adapt/core';
import { conformanceSuite } from '@adapt/conformance';
import battery from '@adapt/conformance/app';
import expressBattery from '@adapt/conformance/express-app';
import koaBattery from '@adapt/conformance/koa-app';
import { createSocketRunner } from './helpers/socket-runner.js';

conformanceSuite('node serve() (fetch app)', () => createSocketRunner(battery));
conformanceSuite('node serve() (Express through fromNodeHandler)', () => createSocketRunner(fromNodeHandler(expressBattery), { name: 'node express' }), {
  lacks: ['context', 'fetch-api'],
});
conformanceSuite('node serve() (Koa through fromNodeHandler)', () => createSocketRunner(fromNodeHandler(koaBattery), { name: 'node koa' }), {
  lacks: ['context', 'fetch-api'],
});
