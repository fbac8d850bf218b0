import { describe, expect, it } from 'vitest';
import { checkUrlAllowed, classifyAddress, guardedLookup } from '../../src/ingest/address-guard.ts';
import type { Resolver } from '../../src/ingest/address-guard.ts';
import { UserError } from '../../src/model.ts';

// [address, blocked?]
const addresses: [string, boolean][] = [
  ['8.8.8.8', false],
  ['1.1.1.1', false],
  ['93.184.216.34', false],
  ['172.32.0.1', false],
  ['100.128.0.1', false],
  ['127.0.0.1', true],
  ['127.255.255.254', true],
  ['10.0.0.1', true],
  ['172.16.0.1', true],
  ['172.31.255.255', true],
  ['192.168.1.1', true],
  ['169.254.1.1', true],
  ['169.254.169.254', true],
  ['100.64.0.1', true],
  ['100.127.255.255', true],
  ['224.0.0.251', true],
  ['239.255.255.250', true],
  ['0.0.0.0', true],
  ['255.255.255.255', true],
  ['2606:4700:4700::1111', false],
  ['2001:4860:4860::8888', false],
  ['::ffff:8.8.8.8', false],
  ['::1', true],
  ['::', true],
  ['fe80::1', true],
  ['fe80::1%eth0', true],
  ['fc00::1', true],
  ['fd12:3456:789a::1', true],
  ['fd00:ec2::254', true],
  ['ff02::1', true],
  ['::ffff:127.0.0.1', true],
  ['::ffff:7f00:1', true],
  ['::ffff:10.0.0.1', true],
  ['::ffff:169.254.169.254', true],
  ['64:ff9b::a00:1', true],
  ['2002:c0a8:0101::1', true],
];

describe('classifyAddress', () => {
  it.each(addresses)('%s blocked: %s', (address, blocked) => {
    expect(classifyAddress(address) !== null).toBe(blocked);
  });

  it('names the reason', () => {
    expect(classifyAddress('169.254.169.254')).toMatch(/metadata/);
    expect(classifyAddress('::1')).toMatch(/loopback/);
    expect(classifyAddress('100.64.1.1')).toMatch(/carrier-grade NAT/);
  });
});

const fakeDns: Record<string, string[]> = {
  'news.example': ['93.184.216.34'],
  'intranet.example': ['10.1.2.3'],
  'mixed.example': ['93.184.216.34', '192.168.0.10'],
  'metadata.example': ['169.254.169.254'],
  'v6.example': ['2606:4700::1111'],
  'v6-local.example': ['fd00::5'],
};
const resolver: Resolver = async (host) => {
  const list = fakeDns[host];
  if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function codeOf(url: string, allowPrivate = false): Promise<string | null> {
  try {
    await checkUrlAllowed(url, { resolver, allowPrivate });
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).code;
  }
}

describe('checkUrlAllowed', () => {
  it.each([
    ['https://news.example/feed.xml', null],
    ['http://v6.example/rss', null],
    ['https://intranet.example/feed', 'blocked-url'],
    ['https://mixed.example/feed', 'blocked-url'],
    ['http://metadata.example/latest/meta-data/', 'blocked-url'],
    ['https://v6-local.example/', 'blocked-url'],
    ['http://127.0.0.1:8080/feed', 'blocked-url'],
    ['http://[::1]/feed', 'blocked-url'],
    ['http://[::ffff:127.0.0.1]/feed', 'blocked-url'],
    ['http://2130706433/feed', 'blocked-url'], // 127.0.0.1 written as one number
    ['http://0x7f.1/feed', 'blocked-url'],
    ['file:///etc/passwd', 'blocked-url'],
    ['gopher://news.example/', 'blocked-url'],
    ['not a url', 'invalid-url'],
    ['https://nowhere.example/feed', 'unresolvable-url'],
  ] as const)('%s → %s', async (url, expected) => {
    expect(await codeOf(url)).toBe(expected);
  });

  it('explains why a URL is refused', async () => {
    await expect(checkUrlAllowed('https://intranet.example/feed', { resolver })).rejects.toThrow(
      /intranet\.example resolves to 10\.1\.2\.3, a private address/,
    );
  });

  it('lets private addresses through when the operator allows them, but never other schemes', async () => {
    expect(await codeOf('https://intranet.example/feed', true)).toBeNull();
    expect(await codeOf('http://127.0.0.1/feed', true)).toBeNull();
    expect(await codeOf('file:///etc/passwd', true)).toBe('blocked-url');
  });
});

describe('guardedLookup', () => {
  const lookup = guardedLookup({ resolver });
  const call = (host: string, all: boolean) =>
    new Promise<unknown>((resolve, reject) => {
      lookup(host, { all }, (err: Error | null, address: unknown, family?: number) =>
        err ? reject(err) : resolve(all ? address : { address, family }),
      );
    });

  it('answers in both callback shapes with the checked address', async () => {
    expect(await call('news.example', false)).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await call('news.example', true)).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('fails the lookup for a private answer, so no socket is opened', async () => {
    await expect(call('intranet.example', false)).rejects.toThrow(/private address/);
  });
});
