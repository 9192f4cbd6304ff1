import ipaddr from 'ipaddr.js';
import type { Severity } from '../types.js';

/** Why an address must not be fetched on an agent's behalf. */
export interface AddressFinding {
  severity: Severity;
  reason: string;
}

/** Cloud instance-metadata services: one request away from the instance's credentials (168.63.129.16: Azure's WireServer, which hands out the VM's goal state and extension settings). */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200', '192.0.0.192', '169.254.169.123', '168.63.129.16']);
const METADATA_V6 = new Set(['fd00:ec2::254', 'fd00:ec2::23']);

const V4_REASONS: Record<string, [Severity, string]> = {
  loopback: ['high', 'loopback address'],
  private: ['high', 'private address'],
  linkLocal: ['high', 'link-local address'],
  carrierGradeNat: ['high', 'carrier-grade NAT address'],
  unspecified: ['high', '"this network" address'],
  broadcast: ['medium', 'broadcast address'],
  multicast: ['medium', 'multicast address'],
  reserved: ['medium', 'reserved address'],
  benchmarking: ['medium', 'benchmarking address'],
};

const V6_REASONS: Record<string, [Severity, string]> = {
  loopback: ['high', 'loopback address'],
  unspecified: ['high', 'unspecified address'],
  linkLocal: ['high', 'link-local address'],
  uniqueLocal: ['high', 'unique-local address'],
  deprecatedSiteLocal: ['high', 'site-local address'],
  multicast: ['medium', 'multicast address'],
  reserved: ['medium', 'reserved address'],
  discard: ['medium', 'discard-only address'],
};

/**
 * classifyIPv4 names the internal range a dotted-quad address falls in, metadata services first.
 * Requires a valid four-octet address (ipaddr.IPv4).
 */
export function classifyIPv4(addr: ipaddr.IPv4): AddressFinding | undefined {
  const text = addr.toString();
  if (METADATA_V4.has(text)) return { severity: 'critical', reason: `cloud metadata address ${text}` };
  if (text === '0.0.0.0') return { severity: 'high', reason: 'unspecified address 0.0.0.0 (reaches the local host)' };
  const known = V4_REASONS[addr.range()];
  return known ? { severity: known[0], reason: `${known[1]} ${text}` } : undefined;
}

/**
 * classifyIPv6 classifies an IPv6 address, unwrapping the IPv4 address carried inside IPv4-mapped
 * (`::ffff:7f00:1`), IPv4-compatible (`::127.0.0.1`), SIIT, NAT64, 6to4 and Teredo forms, since
 * dual-stack hosts and translators deliver those to the embedded IPv4 address.
 */
export function classifyIPv6(addr: ipaddr.IPv6): AddressFinding | undefined {
  const text = addr.toString();
  if (METADATA_V6.has(text)) return { severity: 'critical', reason: `cloud metadata address ${text}` };
  if (text === '::') return { severity: 'high', reason: 'unspecified address :: (reaches the local host)' };
  const embedded = embeddedIPv4(addr);
  if (embedded) {
    const inner = classifyIPv4(embedded.v4);
    return inner ? { severity: inner.severity, reason: `${inner.reason} (${embedded.how} ${text})` } : undefined;
  }
  const known = V6_REASONS[addr.range()];
  return known ? { severity: known[0], reason: `${known[1]} ${text}` } : undefined;
}

function embeddedIPv4(addr: ipaddr.IPv6): { v4: ipaddr.IPv4; how: string } | undefined {
  const p = addr.parts;
  const low32 = (): ipaddr.IPv4 => new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  const range = addr.range();
  if (range === 'ipv4Mapped') return { v4: addr.toIPv4Address(), how: 'IPv4-mapped' };
  if (range === 'rfc6145') return { v4: low32(), how: 'IPv4-translated' };
  if (range === 'rfc6052') return { v4: low32(), how: 'NAT64' };
  if (range === '6to4') return { v4: new ipaddr.IPv4([p[1]! >> 8, p[1]! & 0xff, p[2]! >> 8, p[2]! & 0xff]), how: '6to4' };
  if (range === 'teredo') {
    // Teredo carries the client's address inverted in the low 32 bits.
    const x = (n: number): number => ~n & 0xff;
    return { v4: new ipaddr.IPv4([x(p[6]! >> 8), x(p[6]!), x(p[7]! >> 8), x(p[7]!)]), how: 'Teredo' };
  }
  // IPv4-compatible (deprecated, ::a.b.c.d): the first 96 bits are zero, and it is not :: or ::1.
  if (p.slice(0, 6).every((x) => x === 0) && (p[6]! !== 0 || p[7]! > 1)) return { v4: low32(), how: 'IPv4-compatible' };
  return undefined;
}

/** One IPv4 number part as WHATWG reads it: `0x` hex, leading-zero octal, else decimal. */
function parseIPv4Part(part: string): number | undefined {
  if (part === '') return undefined;
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
  } else if (/^0o/i.test(part)) {
    digits = part.slice(2);
    radix = 8;
  } else if (part.length > 1 && part.startsWith('0')) {
    digits = part.slice(1);
    radix = 8;
  }
  if (digits === '') return 0;
  const valid = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits) || digits.length > 12) return undefined;
  return parseInt(digits, radix);
}

export interface ParsedIPv4 {
  addr: ipaddr.IPv4;
  /** The spelling was not plain dotted-decimal (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`). */
  encoded: boolean;
  /** Octets above 255 that some parsers wrap modulo 256 (`425.510.425.510`). */
  overflowed: boolean;
}

/**
 * parseIPv4Host reads a host as an IPv4 address the way URL parsers and inet_aton do: 1 to 4 parts,
 * each hex, octal or decimal, the last filling the remaining bytes. Four decimal parts above 255
 * are wrapped modulo 256 and one decimal above 2^32 modulo 2^32, as some parsers do. Returns
 * undefined for anything else (a DNS name).
 */
export function parseIPv4Host(host: string): ParsedIPv4 | undefined {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const nums = parts.map(parseIPv4Part);
  if (nums.some((n) => n === undefined)) return undefined;
  const values = nums as number[];
  const encoded = !/^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(parts.join('.'));
  const last = values[values.length - 1]!;
  const head = values.slice(0, -1);
  if (head.every((n) => n <= 255) && last < 256 ** (5 - values.length)) {
    const bytes = [...head];
    for (let i = 4 - values.length; i >= 0; i--) bytes.push(Math.floor(last / 256 ** i) % 256);
    return { addr: new ipaddr.IPv4(bytes), encoded, overflowed: false };
  }
  if (values.length === 4 && parts.every((x) => /^\d+$/.test(x))) {
    return { addr: new ipaddr.IPv4(values.map((n) => n % 256)), encoded: true, overflowed: true };
  }
  if (values.length === 1 && /^\d+$/.test(parts[0]!)) {
    const n = last % 2 ** 32;
    return { addr: new ipaddr.IPv4([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]), encoded: true, overflowed: true };
  }
  return undefined;
}

/** parseIPv6Host parses `[v6]`, a bare v6 or an unterminated `[v6`, dropping a zone id (`%25eth0`). */
export function parseIPv6Host(host: string): ipaddr.IPv6 | undefined {
  let h = host.startsWith('[') ? host.slice(1) : host;
  const close = h.indexOf(']');
  if (close >= 0) h = h.slice(0, close);
  h = h.replace(/%.*$/, '');
  // Spell a trailing dotted quad as two hex groups: ipaddr.js reads `::127.0.0.1` as IPv4-mapped.
  h = h.replace(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, (_m, a: string, b: string, c: string, d: string) => {
    const [x, y, z, w] = [a, b, c, d].map(Number) as [number, number, number, number];
    return `${((x << 8) | y).toString(16)}:${((z << 8) | w).toString(16)}`;
  });
  if (!h.includes(':') || !ipaddr.IPv6.isValid(h)) return undefined;
  return ipaddr.IPv6.parse(h);
}
