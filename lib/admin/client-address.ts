// The client's address, for counting failed logins. scripts/serve.ts writes X-Forwarded-For from
// the socket before Next sees the request (trustedForwardedFor); the app reads it back here
// (clientFromForwardedFor). Both sides are pure so that tests can pin the rules down.

/** "::ffff:192.0.2.1" (an IPv4 peer on a dual-stack socket) is 192.0.2.1. */
function normalize(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

function entries(header: string | string[] | undefined | null): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map(normalize)
    .filter((entry) => entry !== '');
}

/**
 * The X-Forwarded-For the app sees. Without trusted proxies only the socket's address; with N, the
 * incoming entries followed by the socket's address (the nearest proxy).
 */
export function trustedForwardedFor(incoming: string | string[] | undefined, socketAddress: string | undefined, hops: number): string {
  const socket = normalize(socketAddress ?? '') || 'unknown';
  if (hops === 0) return socket;
  return [...entries(incoming), socket].join(', ');
}

/**
 * The client in a chain written by trustedForwardedFor: the socket's address (the last entry) when
 * no proxy is trusted, else the N-th entry from the right of the entries before it. A chain shorter
 * than that (a request that did not pass all N proxies) gives its first entry.
 */
export function clientFromForwardedFor(header: string | null | undefined, hops: number): string {
  const chain = entries(header);
  if (chain.length === 0) return 'unknown';
  if (hops === 0) return chain[chain.length - 1]!;
  const incoming = chain.slice(0, -1);
  return incoming[incoming.length - hops] ?? chain[0]!;
}
