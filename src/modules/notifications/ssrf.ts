import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Webhook destinations (DESIGN.md §7): public unicast addresses only, unless private ones are allowed
 * (NOTIFY_WEBHOOK_ALLOW_PRIVATE: receivers on an organization's own network, the tests). Link-local and
 * cloud-metadata addresses are refused always: they are how a server is made to reach its own
 * credentials (169.254.169.254, fd00:ec2::254, fe80::/10).
 */
const ALWAYS_REFUSED_RANGES = new Set(['linkLocal', 'unspecified', 'multicast', 'broadcast']);
const METADATA = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'];

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

export function judgeAddress(address: string, allowPrivate: boolean): AddressVerdict {
  if (!ipaddr.isValid(address)) return { ok: false, reason: `not an IP address: ${address}` };
  const ip = ipaddr.process(address); // IPv4-mapped IPv6 is judged as the IPv4 address it is
  const text = ip.toString();
  if (METADATA.some((m) => ipaddr.parse(m).toString() === text)) return { ok: false, reason: `${text} is a cloud metadata address` };
  const range = ip.range();
  if (ALWAYS_REFUSED_RANGES.has(range)) return { ok: false, reason: `${text} is a ${range} address` };
  if (range === 'unicast') return { ok: true };
  if (allowPrivate) return { ok: true };
  return { ok: false, reason: `${text} is a ${range} address (private addresses are not allowed)` };
}

/** Resolves a host name to every address it has (literal addresses resolve to themselves). */
export async function resolveAll(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(bare)) return [bare];
  const found = await dns.promises.lookup(bare, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

/** At creation: a URL is http(s), without credentials, and every address its host resolves to is allowed. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<{ ok: true; url: URL } | { ok: false; reason: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'only http and https URLs are accepted' };
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not accepted' };
  let addresses: string[];
  try {
    addresses = await resolveAll(url.hostname);
  } catch {
    return { ok: false, reason: `${url.hostname} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, reason: `${url.hostname} does not resolve` };
  for (const a of addresses) {
    const verdict = judgeAddress(a, allowPrivate);
    if (!verdict.ok) return verdict;
  }
  return { ok: true, url };
}

export class RefusedAddressError extends Error {
  readonly code = 'EREFUSEDADDRESS';
}

/**
 * The DNS look-up of the HTTP request: resolves, refuses a name with any refused address, and hands
 * the socket only judged addresses (so DNS rebinding between the check and the connection cannot
 * slip a private address in). The socket's remote address is judged again once connected.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, verbatim: true, family: options.family }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const verdict = judgeAddress(a.address, allowPrivate);
        if (!verdict.ok) return callback(new RefusedAddressError(verdict.reason), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} does not resolve`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
