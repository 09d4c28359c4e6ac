import { defineApp } from '@adapt/core';

/** A plain fetch app: no framework, runs unchanged on every adapt target. */
export default defineApp({
  async fetch(request, context) {
    const url = new URL(request.url);
    if (url.pathname === '/') {
      return new Response(`Hello from adapt on ${context.platform}\n`, {
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    if (url.pathname === '/api/greet') {
      const name = url.searchParams.get('name') ?? 'world';
      return Response.json({ greeting: `Hello, ${name}!`, platform: context.platform });
    }
    if (url.pathname === '/api/echo' && request.method === 'POST') {
      const body = await request.text();
      return new Response(body, { headers: { 'content-type': request.headers.get('content-type') ?? 'text/plain' } });
    }
    return new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  },
  // run one with `npx adapt run greet ada`; never reachable over HTTP
  tasks: {
    greet: {
      description: 'print a greeting (the first argument is the name)',
      run: ([name = 'world'], context) => ({ greeting: `Hello, ${name}!`, platform: context.platform }),
    },
  },
  // `adapt deploy` creates it where the platform schedules (EventBridge Scheduler, Cloud Scheduler, systemd timers, cron)
  schedules: { 'morning-greeting': { cron: '0 8 * * 1-5', task: 'greet', args: ['team'], timezone: 'Europe/Paris' } },
});
