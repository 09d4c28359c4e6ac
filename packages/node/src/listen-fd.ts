/**
 * ADAPT_LISTEN_FD: the listening socket `adapt start --daemon` opened and handed on (fd 3). A
 * cluster worker listening on it asks its primary, which accepts on its own copy; the primary
 * hands it to the next primary on `adapt restart` (cluster.ts).
 */
export function inheritedListenFd(env: Record<string, string | undefined> = process.env): number | undefined {
  const raw = env.ADAPT_LISTEN_FD;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 3)
    throw new TypeError(`adapt: ADAPT_LISTEN_FD must be the number of an inherited listening socket (3 or more), got ${JSON.stringify(raw)}`);
  return Number(raw);
}
