// serverless-http with the same app written for Express, the way it is deployed.
import { importPeer } from '../../lib/peers.mjs';
import { binary, cookie } from '../app.mjs';

const serverless = (await importPeer('serverless-http')).default;
const express = (await importPeer('express')).default;

export const label = 'serverless-http + express';
export const role = 'peer';
export function makeHandler() {
  const app = express();
  app.get('/bin', (_req, res) => {
    res.set({ 'content-type': 'application/octet-stream', 'x-bench': 'yes', 'set-cookie': cookie }).send(binary);
  });
  app.get('/items/:id', (req, res) => {
    const tags = req.query.tag === undefined ? [] : [req.query.tag].flat();
    res.set({ 'x-bench': 'yes', 'set-cookie': cookie });
    res.json({ method: req.method, path: req.path, limit: req.query.limit ?? null, tags, ua: req.get('user-agent') });
  });
  return serverless(app, { binary: ['application/octet-stream'] });
}
