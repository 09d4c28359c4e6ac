import { defineApp } from '@adapt/core';

export default defineApp({
  async fetch(request, context) {
    const url = new URL(request.url);
    if (url.pathname === '/') return new Response('Hello from adapt!\n', { headers: { 'content-type': 'text/plain; charset=utf-8' } });
    if (url.pathname === '/api/hello') {
      const name = url.searchParams.get('name') ?? 'world';
      return Response.json({ hello: name, platform: context.platform });
    }
    if (url.pathname === '/api/echo' && request.method === 'POST') {
      return new Response(await request.text(), { headers: { 'content-type': request.headers.get('content-type') ?? 'text/plain' } });
    }
    return new Response('Not found\n', { status: 404 });
  },
});
