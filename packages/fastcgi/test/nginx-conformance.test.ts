/**
 * The conformance battery through a real nginx to serveFastcgi(), over a unix socket and over
 * TCP, with kept connections (an upstream with keepalive and `fastcgi_keep_conn on`).
 */
import { describe } from 'vitest';
import { fromNodeHandler } from '@adapt/core';
import { conformanceSuite } from '@adapt/conformance';
import battery from '@adapt/conformance/app';
import expressBattery from '@adapt/conformance/express-app';
import { requireComponent } from '../../../test/components.js';
import { createNginxRunner } from './helpers/nginx-fastcgi.js';

describe('FastCGI behind nginx', () => {
  const enabled = requireComponent('nginx');
  conformanceSuite('fastcgi (nginx, unix socket)', () => createNginxRunner(battery, 'unix', 'fastcgi nginx unix'), { enabled });
  conformanceSuite('fastcgi (nginx, TCP)', () => createNginxRunner(battery, 'tcp', 'fastcgi nginx tcp'), { enabled });
  conformanceSuite('fastcgi (nginx, unix socket, Express through fromNodeHandler)', () => createNginxRunner(fromNodeHandler(expressBattery), 'unix', 'fastcgi nginx express'), {
    enabled,
    lacks: ['context', 'fetch-api'],
  });
});
