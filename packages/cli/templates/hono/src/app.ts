import { Hono } from 'hono';

// A Hono app is an adapt app as it is: it has a fetch method.
const app = new Hono();

app.get('/', (c) => c.text('Hello from Hono on adapt!\n'));
app.get('/api/hello', (c) => c.json({ hello: c.req.query('name') ?? 'world' }));
app.post('/api/echo', async (c) => c.text(await c.req.text()));

export default app;
