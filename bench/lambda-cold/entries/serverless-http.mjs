// The hello app in Express on serverless-http, the way it is deployed.
import express from 'express';
import serverless from 'serverless-http';

const app = express();
app.get('/', (_req, res) => res.type('text/plain').send('Hello'));
export const handler = serverless(app);
