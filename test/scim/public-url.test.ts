import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { newOrg, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { PATCH_OP, q, scimFor, type Scim } from './client.js';

/** A gateway behind a TLS-terminating proxy: AEGIS_PUBLIC_URL names the URL clients use. */
const PUBLIC = 'https://gateway.example.com/aegis';

let gw: TestGateway;
let scim: Scim;

beforeAll(async () => {
  gw = await startTestGateway({ AEGIS_PUBLIC_URL: `${PUBLIC}/` });
  scim = await scimFor(gw, await newOrg(gw, 'scim-public-url'));
});
afterAll(async () => gw?.shutdown());

describe('AEGIS_PUBLIC_URL', () => {
  it('is the base of Location, meta.location and every $ref', async () => {
    const user = await scim('POST', '/Users', { userName: 'behind.proxy' }, { 'x-forwarded-host': 'evil.example' });
    expect(user.status, user.text).toBe(201);
    const userUrl = `${PUBLIC}/scim/v2/Users/${user.body.id}`;
    expect(user.headers.get('location')).toBe(userUrl);
    expect(user.body.meta.location).toBe(userUrl);

    const group = await scim('POST', '/Groups', { displayName: 'Proxied', members: [{ value: user.body.id }] });
    expect(group.headers.get('location')).toBe(`${PUBLIC}/scim/v2/Groups/${group.body.id}`);
    expect(group.body.members[0].$ref).toBe(userUrl);
    const patched = await scim('PATCH', `/Users/${user.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] });
    expect(patched.body.groups[0].$ref).toBe(`${PUBLIC}/scim/v2/Groups/${group.body.id}`);

    const listed = await scim('GET', `/Users?filter=${q('userName eq "behind.proxy"')}`);
    expect(listed.body.Resources[0].meta.location).toBe(userUrl);
    const searched = await scim('POST', '/.search', { filter: 'displayName eq "Proxied"' });
    expect(searched.body.Resources[0].meta.location).toBe(`${PUBLIC}/scim/v2/Groups/${group.body.id}`);
    expect((await scim('GET', '/ServiceProviderConfig')).body.meta.location).toBe(`${PUBLIC}/scim/v2/ServiceProviderConfig`);
    expect((await scim('GET', '/ResourceTypes/User')).body.meta.location).toBe(`${PUBLIC}/scim/v2/ResourceTypes/User`);
  });

  it.each(['gateway.example.com', 'ftp://gateway.example.com', 'https://user:secret@gateway.example.com', 'https://gateway.example.com/?x=1'])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ AEGIS_PUBLIC_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ AEGIS_PUBLIC_URL: value })).toThrow(/AEGIS_PUBLIC_URL/);
  });
});
