// The same Hono app on hono/aws-lambda.
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

export const handler = handle(new Hono().get('/', (c) => c.text('Hello')));
