/**
 * The Pub/Sub calls the gcf target needs, three of them (topics.get, topics.create, topics.publish),
 * made through google-auth-library's authorized client on Pub/Sub's REST API rather than the whole
 * @google-cloud/pubsub client. The topic carries task events to the tasks function.
 */
import type { GoogleClients } from './google.js';

type Obj = Record<string, any>;

/** The topic the tasks function of `functionName` listens to. */
export const tasksTopicId = (functionName: string) => `${functionName}-tasks`;

function base(clients: GoogleClients): string {
  return clients.apiEndpoint ?? 'https://pubsub.googleapis.com';
}

/** A gaxios error as Google's REST error: `code` is the HTTP status, so googleFailure names it. */
function asGoogleError(error: unknown): Error {
  const e = error as { response?: { status?: number; data?: { error?: { message?: string; status?: string } } }; message?: string };
  const status = e.response?.status;
  const detail = e.response?.data?.error;
  if (status === undefined) return error as Error;
  return Object.assign(new Error(detail?.message ?? e.message ?? `HTTP ${status}`), { code: status, status: detail?.status, cause: error });
}

async function call<T>(clients: GoogleClients, method: 'GET' | 'PUT' | 'POST', path: string, data?: unknown): Promise<T> {
  try {
    const response = await clients.auth.request<T>({ url: `${base(clients)}/v1/${path}`, method, ...(data === undefined ? {} : { data }), retry: false });
    return response.data;
  } catch (error) {
    throw asGoogleError(error);
  }
}

/** The topic, or undefined when it does not exist. */
export async function getTopic(clients: GoogleClients, topic: string): Promise<Obj | undefined> {
  try {
    return await call<Obj>(clients, 'GET', topic);
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

export async function createTopic(clients: GoogleClients, topic: string, labels: Record<string, string>): Promise<Obj> {
  return call<Obj>(clients, 'PUT', topic, { labels });
}

/** Publishes one message; its id. */
export async function publish(clients: GoogleClients, topic: string, data: unknown, attributes: Record<string, string>): Promise<string> {
  const answer = await call<{ messageIds?: string[] }>(clients, 'POST', `${topic}:publish`, {
    messages: [{ data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes }],
  });
  const id = answer.messageIds?.[0];
  if (!id) throw new Error('Pub/Sub answered the publish without a message id');
  return id;
}
