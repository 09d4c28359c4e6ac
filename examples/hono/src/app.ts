import { Hono } from 'hono';
import type { AppContext } from '@adapt/core';

/** A Hono app is an adapt app as it is: adapt's context arrives as Hono's `c.env`. */
const app = new Hono<{ Bindings: AppContext }>();

app.get('/', (c) => c.text(`Hello from Hono on ${c.env.platform}\n`));
app.get('/api/users/:id', (c) => c.json({ id: c.req.param('id'), tags: c.req.queries('tag') ?? [] }));
app.post('/api/echo', async (c) => c.json({ received: await c.req.json() }));

export default app;
