/** An e-mail address in a text. */
export interface EmailMatch {
  start: number;
  end: number;
  local: string;
  domain: string;
}

const EMAIL_RE = /(?<![\w.%+-])([A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|xn--[a-z0-9-]{2,59}))(?![\w-]|\.[A-Za-z0-9])/g;
/** Domains reserved for documentation and tests (RFC 2606, RFC 6761): never a person's address. */
const RESERVED_DOMAIN_RE = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$/i;
/** Machine mailboxes and SSH remotes (`git@github.com:org/repo`), not people. */
const SYSTEM_LOCAL_RE = /^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|git)$/i;
/** File extensions that look like top-level domains in `icon@2x.png`, `config@v2.json`. */
const FILE_TLD_RE = /\.(?:png|jpe?g|gif|svg|webp|ico|js|mjs|ts|tsx|jsx|css|scss|json|ya?ml|md|txt|html?|xml|py|rb|go|rs|java|php|sh|lock|map|zip|gz|tar|pdf)$/i;

/**
 * findEmails returns e-mail addresses, leaving out documentation domains (example.com, .test),
 * system mailboxes (noreply@, git@ remotes) and file names with an `@` (icon@2x.png).
 */
export function findEmails(text: string): EmailMatch[] {
  if (!text.includes('@')) return [];
  const out: EmailMatch[] = [];
  EMAIL_RE.lastIndex = 0;
  for (let m = EMAIL_RE.exec(text); m !== null; m = EMAIL_RE.exec(text)) {
    const local = m[1] ?? '';
    const domain = m[2] ?? '';
    // `scheme://user:password@host` (`…:ab!Qz8@db`, where the match starts inside the password) and `scheme://user@host` are a URL's userinfo, not an address.
    if (/:\/\/[^\s/?#@"'<>]*$/.test(text.slice(Math.max(0, m.index - 300), m.index))) continue;
    if (RESERVED_DOMAIN_RE.test(domain) || SYSTEM_LOCAL_RE.test(local) || FILE_TLD_RE.test(domain) || local.includes('..')) continue;
    out.push({ start: m.index, end: m.index + m[0].length, local, domain });
  }
  return out;
}
