// The floor: the event mapped to the result by hand, no Request, no Response, only the work the
// app needs (method, path, query, user-agent, the JSON, base64 of the binary).
import { binary, cookie } from '../app.mjs';

export const label = 'floor (by hand)';
export const role = 'floor';

function userAgentOf(headers) {
  for (const key in headers) if (key.toLowerCase() === 'user-agent') return headers[key];
  return null;
}

export const makeHandler = () => async (event) => {
  const v2 = event.version === '2.0';
  const alb = !v2 && event.requestContext?.elb !== undefined;
  const path = v2 ? event.rawPath : event.path;
  const headers = { 'x-bench': 'yes' };
  const result = { statusCode: 200, headers, body: '', isBase64Encoded: false };
  if (v2) result.cookies = [cookie];
  else if (alb) headers['set-cookie'] = cookie;
  else result.multiValueHeaders = { 'set-cookie': [cookie] };
  if (path === '/bin') {
    headers['content-type'] = 'application/octet-stream';
    result.body = binary.toString('base64');
    result.isBase64Encoded = true;
    return result;
  }
  let limit = null;
  let tags = [];
  if (v2) {
    const query = new URLSearchParams(event.rawQueryString);
    limit = query.get('limit');
    tags = query.getAll('tag');
  } else if (event.multiValueQueryStringParameters) {
    limit = event.multiValueQueryStringParameters.limit?.[0] ?? null;
    tags = event.multiValueQueryStringParameters.tag ?? [];
  } else if (event.queryStringParameters) {
    limit = event.queryStringParameters.limit ?? null;
    tags = event.queryStringParameters.tag === undefined ? [] : [event.queryStringParameters.tag];
  }
  const method = v2 ? event.requestContext.http.method : event.httpMethod;
  headers['content-type'] = 'application/json';
  result.body = JSON.stringify({ method, path, limit, tags, ua: userAgentOf(event.headers) });
  return result;
};
