import { fromNodeHandler } from '@adapt/core';
import { conformanceSuite } from '@adapt/conformance';
import battery from '@adapt/conformance/app';
import expressBattery from '@adapt/conformance/express-app';
import koaBattery from '@adapt/conformance/koa-app';
import { frameworkNames, frameworkSuite } from '@adapt/conformance/frameworks';
import { createSocketRunner } from './helpers/socket-runner.js';

conformanceSuite('node serve() (fetch app)', () => createSocketRunner(battery));
conformanceSuite('node serve() (Express through fromNodeHandler)', () => createSocketRunner(fromNodeHandler(expressBattery), { name: 'node express' }), {
  lacks: ['context', 'fetch-api'],
});
conformanceSuite('node serve() (Koa through fromNodeHandler)', () => createSocketRunner(fromNodeHandler(koaBattery), { name: 'node koa' }), {
  lacks: ['context', 'fetch-api'],
});

// The framework battery: each app through serve() over a socket answers as under node:http.
for (const framework of frameworkNames) {
  frameworkSuite('node serve()', framework, (app) => createSocketRunner(fromNodeHandler(app), { name: `node ${framework}` }));
}
