import { fromNodeHandler } from '@adapt/core';
import { conformanceSuite, createInProcessRunner } from '@adapt/conformance';
import battery from '@adapt/conformance/app';
import expressBattery from '@adapt/conformance/express-app';
import koaBattery from '@adapt/conformance/koa-app';

conformanceSuite('in-process (fetch app)', () => createInProcessRunner(battery));
conformanceSuite('in-process (Express through fromNodeHandler)', () => createInProcessRunner(fromNodeHandler(expressBattery), { name: 'express' }), {
  lacks: ['context', 'fetch-api'],
});
conformanceSuite('in-process (Koa through fromNodeHandler)', () => createInProcessRunner(fromNodeHandler(koaBattery), { name: 'koa' }), {
  lacks: ['context', 'fetch-api'],
});
