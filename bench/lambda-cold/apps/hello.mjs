// The hello app of the cold-start measure, as an adapt app (built with `adapt build --target lambda`).
export default {
  fetch: () => new Response('Hello', { headers: { 'content-type': 'text/plain' } }),
};
