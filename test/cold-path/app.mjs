// The app of the cold-path tests: it uses only what most apps use (method, url, headers.get/has/
// forEach/entries, text/json/arrayBuffer, new Response with a string, bytes or a stream,
// Response.json, Response.redirect, new Headers), so answering it must never load undici.
// POST /form reads formData(), which needs undici: the tests' control that the check works.
import { undiciLoaded } from './undici.mjs';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    switch (`${request.method} ${url.pathname}`) {
      case 'GET /headers': {
        const seen = [];
        request.headers.forEach((_value, name) => {
          seen.push(name);
        });
        const headers = new Headers({ 'X-Seen': seen.join(' ') });
        headers.append('Set-Cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        headers.set('x-has-agent', String(request.headers.has('user-agent')));
        const entries = [...request.headers.entries()].length;
        return new Response(`agent ${request.headers.get('user-agent')} entries ${entries} query ${url.searchParams.get('q')}`, { status: 200, headers });
      }
      case 'POST /json':
        return Response.json({ got: await request.json() }, { status: 201 });
      case 'POST /text': {
        const text = await request.text();
        return new Response(new TextEncoder().encode(text.toUpperCase()), { headers: [['content-type', 'application/octet-stream']] });
      }
      case 'POST /bytes': {
        const bytes = new Uint8Array(await request.arrayBuffer());
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`${bytes.length} bytes`));
            controller.close();
          },
        });
        return new Response(stream, { status: 202, headers: { 'content-type': 'text/plain' } });
      }
      case 'GET /redirect':
        return Response.redirect('https://example.com/next', 302);
      case 'POST /form': {
        const form = await request.formData();
        return Response.json({ a: form.get('a') });
      }
      case 'GET /undici':
        return Response.json({ loaded: undiciLoaded() });
      default:
        return new Response('not found', { status: 404 });
    }
  },
};
