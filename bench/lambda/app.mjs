// The app every Lambda adapter runs in the throughput measure, as a fetch function, and what it
// must answer. GET /items/42?limit=10&tag=a&tag=b answers JSON echoing the method, path, query and
// user-agent; GET /bin answers 64 KiB of binary (which Lambda needs base64-encoded). Both set
// x-bench and a cookie, so that header and Set-Cookie handling are part of what is measured.
export const cookie = 'sid=s3cr3t; Path=/; HttpOnly';
export const userAgent = 'adapt-bench/1';
export const binary = Buffer.alloc(64 * 1024);
for (let i = 0; i < binary.length; i++) binary[i] = (i * 7 + 3) % 251;
export const binaryBase64 = binary.toString('base64');

export function app(request) {
  const url = new URL(request.url);
  if (url.pathname === '/bin') {
    return new Response(binary, { headers: { 'content-type': 'application/octet-stream', 'x-bench': 'yes', 'set-cookie': cookie } });
  }
  const answer = {
    method: request.method,
    path: url.pathname,
    limit: url.searchParams.get('limit'),
    tags: url.searchParams.getAll('tag'),
    ua: request.headers.get('user-agent'),
  };
  return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json', 'x-bench': 'yes', 'set-cookie': cookie } });
}

/** The JSON the GET route must answer (ALB's single-value query keeps only the last `tag`). */
export const expectedGet = (tags) => ({ method: 'GET', path: '/items/42', limit: '10', tags, ua: userAgent });
