/**
 * The app the RIC tests bundle into a Lambda handler (buffered and streamed). It counts setup
 * calls, answers text, a PNG-like binary, an empty 204, and a 20 MB deterministic binary stream;
 * its tasks answer the task event.
 */
import { defineApp } from '@adapt/core';

let setups = 0;
let timers = 0;

/** Byte `i` of the big body. */
export const bigByte = (i: number) => (i * 7 + (i >> 13)) & 255;
export const BIG = 20 * 1024 * 1024;

export default defineApp({
  setup() {
    setups++;
  },
  async fetch(request, context) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/hello':
        return new Response(`hello ${request.method} ${url.search} setups=${setups}`, { headers: { 'content-type': 'text/plain' } });
      case '/bytes': {
        const bytes = new Uint8Array(256);
        for (let i = 0; i < 256; i++) bytes[i] = i;
        return new Response(bytes, { headers: { 'content-type': 'application/octet-stream', 'set-cookie': 'a=1' } });
      }
      case '/empty':
        return new Response(null, { status: 204, headers: { 'x-empty': 'yes' } });
      case '/echo':
        return new Response(await request.arrayBuffer(), { headers: { 'content-type': 'application/octet-stream' } });
      case '/later':
        // a timer that outlives the answer: waitUntil must finish it, the loop must not hang the next event
        context.waitUntil(new Promise((resolve) => setTimeout(resolve, 100)).then(() => timers++));
        return new Response(`later timers=${timers}`);
      case '/never':
        return new Promise<Response>(() => {});
      case '/fail-mid':
        return new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'));
              setTimeout(() => controller.error(new Error('upstream died')), 20);
            },
          }),
        );
      case '/big': {
        let sent = 0;
        const chunk = 1 << 20;
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent >= BIG) return controller.close();
              const bytes = new Uint8Array(chunk);
              for (let i = 0; i < chunk; i++) bytes[i] = bigByte(sent + i);
              sent += chunk;
              controller.enqueue(bytes);
            },
          }),
          { headers: { 'content-type': 'application/octet-stream' } },
        );
      }
    }
    return new Response('not found', { status: 404 });
  },
  tasks: {
    report: (args, context) => {
      console.log(`report task on ${context.platform}`);
      return { report: args, schedule: context.schedule ?? null, setups };
    },
    fail: () => {
      throw new RangeError('the report broke');
    },
  },
});
