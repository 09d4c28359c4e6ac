import express from 'express';
import { fromNodeHandler } from '@adapt/core';

/** An Express app, wrapped once by fromNodeHandler, runs on every adapt target. */
const api = express();
api.disable('x-powered-by');
api.use(express.json());

api.get('/', (_req, res) => res.type('text/plain').send('Hello from Express\n'));
api.get('/api/users/:id', (req, res) => res.json({ id: req.params.id, ip: req.ip }));
api.post('/api/echo', (req, res) => res.json({ received: req.body }));

export default fromNodeHandler(api);
