// A Hono app, as an adapt app (built with `adapt build --target lambda`): Hono's fetch is the app.
import { Hono } from 'hono';

export default new Hono().get('/', (c) => c.text('Hello'));
