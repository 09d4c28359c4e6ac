// The floor: a handler written by hand for the hello answer, no Request, no Response.
export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'Hello', isBase64Encoded: false });
