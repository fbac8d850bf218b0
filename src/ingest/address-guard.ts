// The trust rule for URLs that chat users add (design.md, "Trust"): only http(s), and
// only hosts whose every resolved address is public. The check runs inside the socket's
// DNS lookup, so the address checked is the address connected to (no DNS-rebinding gap),
// and again on every redirect. Operators can turn it off (GOVWATCH_ALLOW_PRIVATE_URLS=1).
import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { UserError } from '../model.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** DNS resolution, injectable so tests need no real DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const list = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return list.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Why an address may not be fetched for an untrusted URL; null when it is public. */
export type AddressClassifier = (address: string) => string | null;

export interface GuardOptions {
  allowPrivate?: boolean;
  resolver?: Resolver;
  /** Replaces the address rule (tests use it to treat 127.0.0.1 as a stand-in public server). */
  classify?: AddressClassifier;
}

// ------------------------------------------------------------------ address rules

function v4Bytes(ip: string): number[] | null {
  if (!net.isIPv4(ip)) return null;
  return ip.split('.').map(Number);
}

function v6Bytes(ip: string): number[] | null {
  let s = ip.replace(/%.*$/, ''); // zone id
  if (!net.isIPv6(s)) return null;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  let tail: number[] = [];
  if (v4Tail?.[1]) {
    tail = v4Bytes(v4Tail[1]) ?? [];
    s = s.slice(0, -v4Tail[1].length) + '0:0';
  }
  const [head = '', rest] = s.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...restGroups];
  const bytes: number[] = [];
  for (const g of groups) {
    const v = parseInt(g || '0', 16);
    bytes.push(v >> 8, v & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : null;
}

function inPrefix(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if (((bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

const V4_RULES: [number[], number, string][] = [
  [[169, 254, 169, 254], 32, 'a cloud metadata address'],
  [[0, 0, 0, 0], 8, 'an unspecified ("this network") address'],
  [[10, 0, 0, 0], 8, 'a private address'],
  [[172, 16, 0, 0], 12, 'a private address'],
  [[192, 168, 0, 0], 16, 'a private address'],
  [[127, 0, 0, 0], 8, 'a loopback address'],
  [[169, 254, 0, 0], 16, 'a link-local address'],
  [[100, 64, 0, 0], 10, 'a carrier-grade NAT address'],
  [[224, 0, 0, 0], 4, 'a multicast address'],
  [[240, 0, 0, 0], 4, 'a reserved address'],
  [[192, 0, 0, 0], 24, 'a reserved address'],
  [[192, 0, 2, 0], 24, 'a documentation address'],
  [[198, 51, 100, 0], 24, 'a documentation address'],
  [[203, 0, 113, 0], 24, 'a documentation address'],
  [[198, 18, 0, 0], 15, 'a benchmarking address'],
];

const h = (s: string): number[] => v6Bytes(s) ?? [];
const V6_RULES: [number[], number, string][] = [
  [h('::'), 128, 'an unspecified address'],
  [h('::1'), 128, 'a loopback address'],
  [h('fd00:ec2::254'), 128, 'a cloud metadata address'],
  [h('fc00::'), 7, 'a private (unique local) address'],
  [h('fec0::'), 10, 'a private (site-local) address'],
  [h('fe80::'), 10, 'a link-local address'],
  [h('ff00::'), 8, 'a multicast address'],
  [h('2001:db8::'), 32, 'a documentation address'],
  [h('100::'), 64, 'a discard address'],
];

/** IPv6 forms that carry an IPv4 address whose rules then apply. */
function embeddedV4(b: number[]): number[] | null {
  const zeros = (n: number): boolean => b.slice(0, n).every((x) => x === 0);
  if (zeros(10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12); // ::ffff:a.b.c.d (mapped)
  if (zeros(12) && b.slice(12).some((x) => x !== 0)) return b.slice(12); // ::a.b.c.d (compatible)
  if (inPrefix(b, h('64:ff9b::'), 96)) return b.slice(12); // NAT64
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 6to4
  return null;
}

function classifyV4(b: number[]): string | null {
  if (b.every((x) => x === 255)) return 'a broadcast address';
  for (const [prefix, bits, reason] of V4_RULES) if (inPrefix(b, prefix, bits)) return reason;
  return null;
}

/** Why `address` is not a public address (e.g. "a loopback address"), or null if it is. */
export function classifyAddress(address: string): string | null {
  const v4 = v4Bytes(address);
  if (v4) return classifyV4(v4);
  const v6 = v6Bytes(address);
  if (!v6) return 'not an IP address';
  for (const [prefix, bits, reason] of V6_RULES) if (inPrefix(v6, prefix, bits)) return reason;
  const inner = embeddedV4(v6);
  return inner ? classifyV4(inner) : null;
}

// ------------------------------------------------------------------ checks

export class BlockedAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'BlockedAddressError';
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Scheme and literal-IP rules, without DNS. Throws BlockedAddressError. (Node does not call
 * the socket lookup for IP literals, so they are checked here.)
 */
export function checkUrlStatic(url: URL, opts: GuardOptions = {}): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BlockedAddressError(url.hostname, `only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (opts.allowPrivate) return;
  const host = hostOf(url);
  if (net.isIP(host)) {
    const reason = (opts.classify ?? classifyAddress)(host);
    if (reason) throw new BlockedAddressError(host, `${host} is ${reason}`);
  }
}

/** Resolve `hostname` and refuse it if any address is not public. Returns the addresses. */
export async function resolveAllowed(hostname: string, opts: GuardOptions = {}): Promise<ResolvedAddress[]> {
  const classify = opts.classify ?? classifyAddress;
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host)
    ? [{ address: host, family: net.isIPv6(host) ? 6 : 4 } as ResolvedAddress]
    : await (opts.resolver ?? systemResolver)(host);
  if (!addresses.length) throw new Error(`${host} has no addresses`);
  if (opts.allowPrivate) return addresses;
  for (const a of addresses) {
    const reason = classify(a.address);
    if (reason) throw new BlockedAddressError(host, `${host} resolves to ${a.address}, ${reason}`);
  }
  return addresses;
}

/**
 * A `lookup` for http.request/net.connect that resolves through the guard, so the socket
 * connects only to an address that passed the check.
 */
export function guardedLookup(opts: GuardOptions = {}): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, opts).then(
      (addresses) => {
        const family = typeof options === 'object' ? options.family : undefined;
        const wanted =
          family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        const list = wanted.length ? wanted : addresses;
        if (typeof options === 'object' && options.all) {
          (callback as unknown as (err: null, list: ResolvedAddress[]) => void)(null, list);
        } else {
          const first = list[0] as ResolvedAddress;
          callback(null, first.address, first.family);
        }
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
}

/**
 * For chat `/feeds add`, before saving a URL: throws UserError `invalid-url` for
 * something that is not a URL, `blocked-url` with the reason for a URL that is not allowed,
 * `unresolvable-url` when its host does not resolve.
 */
export async function checkUrlAllowed(rawUrl: string, opts: GuardOptions = {}): Promise<void> {
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    throw new UserError('invalid-url', `"${rawUrl.slice(0, 200)}" is not a valid URL`);
  }
  try {
    checkUrlStatic(url, opts);
    if (!opts.allowPrivate) await resolveAllowed(url.hostname, opts);
  } catch (err) {
    if (err instanceof BlockedAddressError) {
      throw new UserError(
        'blocked-url',
        `${url.href} is not allowed: ${err.message}; only public addresses may be added`,
      );
    }
    const detail = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError('unresolvable-url', `${url.href}: cannot resolve ${url.hostname} (${detail})`);
  }
}
