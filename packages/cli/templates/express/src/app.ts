import express from 'express';
import { fromNodeHandler } from '@adapt/core';

const app = express();
app.use(express.json());

app.get('/', (_req, res) => {
  res.type('text/plain').send('Hello from Express on adapt!\n');
});
app.get('/api/hello', (req, res) => {
  res.json({ hello: typeof req.query.name === 'string' ? req.query.name : 'world' });
});
app.post('/api/echo', (req, res) => {
  res.json(req.body);
});

// fromNodeHandler wraps a (req, res) app once; it then runs on every adapt target.
export default fromNodeHandler(app);
