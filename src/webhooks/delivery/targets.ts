import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

// Where webhooks may go. Endpoints are http(s) URLs (as on Svix). A multi-tenant deployment, where whoever
// manages endpoints must not reach the server's own network, sets GATEHOUSE_WEBHOOK_BLOCK_PRIVATE_NETWORKS:
// then a URL whose host is, or resolves to, a loopback, private, link-local, shared, multicast or reserved
// address is refused, at creation for literal addresses and at every delivery after DNS (so a name that
// later resolves inward, DNS rebinding, is caught too: the connection uses the address that was checked).

const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is internal: never a target when private networks are blocked. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return internal.check(bare, 'ipv4');
  if (family !== 6) return false;
  // IPv4-mapped and -compatible forms (::ffff:127.0.0.1) reach the IPv4 address.
  const mapped = /^::(ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return internal.check(mapped[2]!, 'ipv4');
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return internal.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return internal.check(bare, 'ipv6');
}

/**
 * Why `url` cannot be an endpoint, or undefined: it must be an absolute http(s) URL of at most 65,536
 * characters (Svix's limits); with `blockPrivate`, its host must not be an internal address or `localhost`.
 */
export function endpointUrlProblem(url: string, blockPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Invalid URL';
  }
  if (url.length > 65_536) return 'URL too long';
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'Endpoint URL schemes must be http or https';
  if (!blockPrivate) return undefined;
  const host = parsed.hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host)) {
    return 'Endpoint URL must not point to a private, loopback or link-local address';
  }
  return undefined;
}

export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses names resolving to an internal address. */
export function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((a) => isInternalAddress(a.address));
    if (bad) return callback(new BlockedAddressError(`${hostname} resolves to an internal address`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
