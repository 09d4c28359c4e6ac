// A reference, not a peer: the hello answer through Node's own Request and Response (undici), by
// hand. Its first event shows what loading undici costs by itself.
export const handler = async (event) => {
  const request = new Request(`https://${event.headers.host}${event.rawPath}`, { method: event.requestContext.http.method });
  const response = new Response(`Hello`, { headers: { 'content-type': 'text/plain' } });
  void request;
  return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text(), isBase64Encoded: false };
};
