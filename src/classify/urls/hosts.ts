import { classifyIPv4, classifyIPv6, parseIPv4Host, parseIPv6Host, type AddressFinding } from './ip.js';

/** Names of cloud metadata services (AWS, GCP, Alibaba, Equinix, Tencent, Kubernetes' API). */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.packet.net',
  'metadata.platformequinix.com',
  'metadata.tencentyun.com',
]);

/** Names every resolver answers with a loopback address. */
const LOOPBACK_NAME_RE = /^(?:localhost|localhost\.localdomain|ip6-localhost|ip6-loopback|[a-z0-9.-]+\.localhost)$/;
/** Names container runtimes give the machine they run on (Docker Desktop, Podman, Kubernetes in Docker): the host itself. */
const CONTAINER_HOST_RE = /^(?:host|gateway|kubernetes)\.docker\.internal$|^host\.containers\.internal$|^host\.lima\.internal$/;

/** Public wildcard-DNS services that answer with the address spelt in the name: `10-0-0-1.sslip.io`. */
const WILDCARD_DNS_RE = /(?:^|\.)(nip\.io|sslip\.io|xip\.io|nip\.direct|traefik\.me|backname\.io)$/;
/** DNS-rebinding services: the answer flips between a public and an internal address (`7f000001.c0a80001.rbndr.us`). */
const REBINDING_DNS_RE = /(?:^|\.)(1u\.ms|rbndr\.us|rebind\.it|rebind\.network|lock\.cmpxchg8b\.com)$/;
/** Public names that resolve to 127.0.0.1 for any subdomain. */
const LOOPBACK_DOMAIN_RE = /(?:^|\.)(localtest\.me|lvh\.me|vcap\.me|fuf\.me|localho\.st|lacolhost\.com|localdomain\.pw|yoogle\.com|ulh\.us|smackaroo\.com|127-0-0-1\.org\.uk)$/;

/** DNS suffixes that only resolve inside a private network (Consul service discovery: `vault.service.consul`). */
const INTERNAL_SUFFIX_RE = /\.(?:internal|intranet|corp|lan|home\.arpa|localdomain|cluster\.local|svc|local|consul|private)$/;

const MAX_HOST = 300;

export interface HostOptions {
  /**
   * Also report what is only suspicious in a URL someone chose to fetch: a single-label intranet
   * name (`http://jenkins/`), an obfuscated spelling. Off for host tokens pulled out of userinfo.
   */
  strict: boolean;
}

/**
 * classifyHost says why a URL host (as written: brackets, any IPv4 spelling, any case) points at
 * the local machine, a private network or a metadata service. Undefined for a public host.
 */
export function classifyHost(rawHost: string, options: HostOptions): AddressFinding | undefined {
  // No resolver accepts a name past 253 characters; an address or a bracketed IPv6 is far shorter.
  if (rawHost.length > MAX_HOST) return undefined;
  const host = rawHost.toLowerCase().replace(/\.+$/, '');
  if (host === '') return undefined;
  if (host.startsWith('[') || host.includes(':')) {
    const v6 = parseIPv6Host(host);
    return v6 ? classifyIPv6(v6) : undefined;
  }
  const v4 = parseIPv4Host(host);
  if (v4) {
    const found = classifyIPv4(v4.addr);
    const spelled = v4.overflowed ? `overflowing ${host} wraps to` : v4.encoded ? `${host} encodes` : '';
    if (found) return spelled ? { severity: found.severity, reason: `${spelled} ${found.reason}` } : found;
    return v4.overflowed ? { severity: 'medium', reason: `malformed IPv4 host ${host}` } : undefined;
  }
  if (METADATA_NAMES.has(host)) return { severity: 'critical', reason: `cloud metadata host ${host}` };
  if (LOOPBACK_NAME_RE.test(host)) return { severity: 'high', reason: `loopback name ${host}` };
  if (CONTAINER_HOST_RE.test(host)) return { severity: 'high', reason: `container host name ${host} (the machine itself)` };
  if (/^kubernetes(?:\.default)?(?:\.svc)?$/.test(host)) return { severity: 'high', reason: `cluster-internal name ${host}` };

  const embedded = embeddedAddress(host);
  if (embedded) return embedded;
  const rebinding = REBINDING_DNS_RE.exec(host);
  if (rebinding && host !== rebinding[1]) return { severity: 'high', reason: `DNS-rebinding name ${host}` };
  const wildcard = WILDCARD_DNS_RE.exec(host);
  if (wildcard && host !== wildcard[1]) return { severity: 'medium', reason: `wildcard-DNS name ${host}` };
  if (LOOPBACK_DOMAIN_RE.test(host)) return { severity: 'high', reason: `${host} resolves to 127.0.0.1` };
  if (INTERNAL_SUFFIX_RE.test(host)) return { severity: 'medium', reason: `internal DNS name ${host}` };

  const labels = host.split('.');
  // No public name ends in a number: `q177.0.0.1` is an IPv4 trick that some parser may still honour.
  if (labels.length > 1 && /^(?:\d+|0x[0-9a-f]*)$/.test(labels[labels.length - 1]!)) {
    return { severity: 'medium', reason: `malformed numeric host ${host}` };
  }
  if (options.strict && labels.length === 1 && /^[a-z0-9_-]+$/.test(host)) {
    return { severity: 'medium', reason: `single-label intranet name ${host}` };
  }
  return undefined;
}

/** A dotted (`127.0.0.1.nip.io`), dashed (`10-0-0-1.sslip.io`) or hex (`7f000001.rbndr.us`) internal address inside a name. */
function embeddedAddress(host: string): AddressFinding | undefined {
  const candidates: string[] = [];
  for (const m of host.matchAll(/(?:^|[.-])(\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3})(?=$|[.-])/g)) candidates.push(m[1]!.replaceAll('-', '.'));
  if (WILDCARD_DNS_RE.test(host) || REBINDING_DNS_RE.test(host)) {
    for (const m of host.matchAll(/(?:^|[.-])([0-9a-f]{8})(?=[.-])/g)) {
      const n = parseInt(m[1]!, 16);
      candidates.push([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.'));
    }
  }
  for (const text of candidates) {
    const v4 = parseIPv4Host(text);
    const found = v4 && !v4.overflowed ? classifyIPv4(v4.addr) : undefined;
    if (found) return { severity: found.severity, reason: `hostname ${host} embeds ${found.reason}` };
  }
  return undefined;
}
