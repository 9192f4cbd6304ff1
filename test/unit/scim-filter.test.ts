import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { matchesValueFilter } from '../../src/scim/filter-match.js';
import { compileFilter, compileSort } from '../../src/scim/filter-sql.js';
import { parseScimFilter, parseScimPath, type Filter } from '../../src/scim/filter.js';
import { GROUP_TYPE, USER_CORE, USER_TYPE, findAttr, type RawAttrPath } from '../../src/scim/schema.js';
import { scimTypeOf } from './scim-type.js';

/** show renders an AST with explicit parentheses, so precedence is visible in the expectations. */
function show(f: Filter): string {
  const p = (x: RawAttrPath): string => `${x.uri ? `${x.uri}:` : ''}${x.attr}${x.sub ? `.${x.sub}` : ''}`;
  switch (f.kind) {
    case 'logical':
      return `(${show(f.left)} ${f.op} ${show(f.right)})`;
    case 'not':
      return `not ${show(f.filter)}`;
    case 'present':
      return `${p(f.path)} pr`;
    case 'compare':
      return `${p(f.path)} ${f.op} ${JSON.stringify(f.value)}`;
    case 'valuePath':
      return `${p(f.path)}[${show(f.filter)}]`;
  }
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parseScimFilter()', () => {
  // RFC 7644 §3.4.2.2, every example of the section.
  it.each<[string, string]>([
    ['userName eq "bjensen"', 'userName eq "bjensen"'],
    [`name.familyName co "O'Malley"`, `name.familyName co "O'Malley"`],
    ['userName sw "J"', 'userName sw "J"'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', 'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"'],
    ['title pr', 'title pr'],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', 'meta.lastModified gt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', 'meta.lastModified ge "2011-05-13T04:42:34Z"'],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', 'meta.lastModified lt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', 'meta.lastModified le "2011-05-13T04:42:34Z"'],
    ['title pr and userType eq "Employee"', '(title pr and userType eq "Employee")'],
    ['title pr or userType eq "Intern"', '(title pr or userType eq "Intern")'],
    [`schemas eq "${ENTERPRISE}"`, `schemas eq "${ENTERPRISE}"`],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', '(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))'],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', '(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))'],
    ['userType eq "Employee" and (emails.type eq "work")', '(userType eq "Employee" and emails.type eq "work")'],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', '(userType eq "Employee" and emails[(type eq "work" and value co "@example.com")])'],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', '(emails[(type eq "work" and value co "@example.com")] or ims[(type eq "xmpp" and value co "@foo.com")])'],
  ])('parses the RFC example %s', (text, expected) => {
    expect(show(parseScimFilter(text))).toBe(expected);
  });

  it.each<[string, string]>([
    ['a pr or b pr and c pr', '(a pr or (b pr and c pr))'],
    ['a pr and b pr or c pr', '((a pr and b pr) or c pr)'],
    ['(a pr or b pr) and c pr', '((a pr or b pr) and c pr)'],
    ['not (a pr) and b pr', '(not a pr and b pr)'],
    ['not(a pr or b pr)', 'not (a pr or b pr)'],
    ['a pr or b pr or c pr', '((a pr or b pr) or c pr)'],
    ['((a pr))', 'a pr'],
  ])('gives not > and > or precedence: %s', (text, expected) => {
    expect(show(parseScimFilter(text))).toBe(expected);
  });

  it('reads operators, logical words and literals in any case', () => {
    expect(show(parseScimFilter('userName EQ "x" AND active Eq TRUE Or title PR'))).toBe('((userName eq "x" and active eq true) or title pr)');
    expect(show(parseScimFilter('NOT (title pr)'))).toBe('not title pr');
  });

  it('decodes quoted strings with escapes and spaces', () => {
    const f = parseScimFilter(String.raw`displayName eq "Ann \"Nan\" O'Neil \\ \u00e9 x"`);
    expect(f).toMatchObject({ kind: 'compare', value: `Ann "Nan" O'Neil \\ é x` });
    expect(parseScimFilter('displayName eq "  two  spaces  "')).toMatchObject({ value: '  two  spaces  ' });
    expect(parseScimFilter('displayName eq "a)b]c(d[e"')).toMatchObject({ value: 'a)b]c(d[e' });
  });

  it('reads true, false, null, numbers and date strings', () => {
    expect(parseScimFilter('active eq false')).toMatchObject({ value: false });
    expect(parseScimFilter('title eq null')).toMatchObject({ value: null });
    expect(parseScimFilter('x gt -12.5e2')).toMatchObject({ value: -1250 });
    expect(parseScimFilter('x ge 0')).toMatchObject({ value: 0 });
    expect(parseScimFilter('meta.created lt "2026-01-01T00:00:00.000Z"')).toMatchObject({ value: '2026-01-01T00:00:00.000Z' });
  });

  it('splits schema-URN-qualified names at the last colon', () => {
    expect(parseScimFilter(`${ENTERPRISE}:manager.value eq "26118915"`)).toMatchObject({ path: { uri: ENTERPRISE, attr: 'manager', sub: 'value' } });
    expect(parseScimFilter(`${ENTERPRISE}:employeeNumber eq "7"`)).toMatchObject({ path: { uri: ENTERPRISE, attr: 'employeeNumber' } });
  });

  it('reads a value path followed by a sub-attribute comparison as one value matching both', () => {
    expect(show(parseScimFilter('emails[type eq "work"].value eq "ann@acme.com"'))).toBe('emails[(type eq "work" and value eq "ann@acme.com")]');
    expect(show(parseScimFilter('emails[type eq "work"].value pr'))).toBe('emails[(type eq "work" and value pr)]');
  });

  it.each<[string, RegExp]>([
    ['', /empty/],
    ['   ', /empty/],
    ['userName eq', /expected a value but the filter ended/],
    ['userName foo "x"', /expected an operator .* found "foo"/],
    ['userName eq bare', /expected a value/],
    ['userName "x"', /expected an operator/],
    ['(userName eq "x"', /expected "\)"/],
    ['userName eq "x")', /unexpected "\)"/],
    ['userName eq "x" and', /but the filter ended/],
    ['userName eq "unterminated', /unterminated string/],
    [String.raw`userName eq "bad \q escape"`, /invalid escape/],
    ['not userName eq "x"', /expected "\("/],
    ['emails[type eq "work"', /expected "\]"/],
    ['emails[type[value eq "x"] pr]', /nest/],
    ['emails[name.givenName eq "x"]', /sub-attribute/],
    ['eq "x"', /expected an operator/],
    ['1abc eq "x"', /not an attribute path/],
    ['userName eq "x" userName eq "y"', /unexpected "userName"/],
    ['userName eq "x" xor title pr', /unexpected "xor"/],
    ['title eq "x" or', /ended/],
    ['emails.value[type eq "work"]', /filters a sub-attribute/],
    ['emails[type eq "work"].', /not a sub-attribute/],
  ])('rejects %j as invalidFilter (%s)', (text, message) => {
    let error: unknown;
    try {
      parseScimFilter(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details.scimType).toBe('invalidFilter');
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toMatch(message);
  });

  it('rejects filters nested deeper than 64 levels and longer than 8192 characters', () => {
    expect(scimTypeOf(() => parseScimFilter(`${'('.repeat(100)}title pr${')'.repeat(100)}`))).toBe('invalidFilter');
    expect(scimTypeOf(() => parseScimFilter(`userName eq "${'x'.repeat(9000)}"`))).toBe('invalidFilter');
  });
});

describe('parseScimPath()', () => {
  it.each<[string, object]>([
    ['userName', { path: { attr: 'userName' } }],
    ['name.familyName', { path: { attr: 'name', sub: 'familyName' } }],
    ['members[value eq "2819c223-7f76-453a-919d-413861904646"]', { path: { attr: 'members' }, filter: { kind: 'compare', value: '2819c223-7f76-453a-919d-413861904646' } }],
    ['emails[type eq "work"].value', { path: { attr: 'emails' }, sub: 'value', filter: { kind: 'compare', op: 'eq' } }],
    [`${ENTERPRISE}:employeeNumber`, { path: { uri: ENTERPRISE, attr: 'employeeNumber' } }],
    [`${ENTERPRISE}:manager.value`, { path: { uri: ENTERPRISE, attr: 'manager', sub: 'value' } }],
    [ENTERPRISE, { text: ENTERPRISE }],
  ])('parses %s', (text, expected) => {
    expect(parseScimPath(text)).toMatchObject(expected);
  });

  it.each(['members[value eq', 'emails[type eq "work"] value', '', 'a b', 'emails[type eq "work"].value.x', '[x pr]'])('rejects %j as invalidPath', (text) => {
    expect(scimTypeOf(() => parseScimPath(text))).toBe('invalidPath');
  });
});

describe('compileFilter()', () => {
  const compile = (text: string, rt = USER_TYPE) => compileFilter(rt, parseScimFilter(text));

  it('compares case-insensitive strings by their stored caseKey, else through lower(), with bound values', () => {
    expect(compile('userName eq "Ann@Acme.com"')).toEqual({ sql: '(u.user_name_key = ?)', bindings: ['ann@acme.com'] });
    expect(compile('userName eq "ÅSA"')).toEqual({ sql: '(u.user_name_key = ?)', bindings: ['åsa'] });
    expect(compile('displayName sw "An"')).toEqual({ sql: '(lower(u.display_name) like lower(?))', bindings: ['An%'] });
  });

  it('compares caseExact attributes as they are', () => {
    expect(compile('externalId eq "AbC"')).toEqual({ sql: '(u.external_id = ?)', bindings: ['AbC'] });
  });

  it('escapes LIKE wildcards in co, sw and ew', () => {
    expect(compile('userName co "50%_off\\\\"').bindings).toEqual(['%50\\%\\_off\\\\%']);
    expect(compile('userName ew "x"').bindings).toEqual(['%x']);
  });

  it('never puts a client value in the SQL text', () => {
    const evil = `x'); drop table scim_users; --`;
    for (const text of [`userName eq "${evil}"`, `emails[type eq "${evil}" and value co "${evil}"]`, `title co "${evil}"`, `${ENTERPRISE}:department sw "${evil}"`, `meta.version eq "${evil}"`]) {
      const { sql, bindings } = compile(text);
      expect(sql).not.toContain('drop table');
      expect(bindings.some((b) => String(b).includes('drop table'))).toBe(true);
    }
  });

  it('turns multi-valued attributes into EXISTS over their rows, one row matching the whole value filter', () => {
    const { sql, bindings } = compile('emails[type eq "work" and value co "@acme"]');
    expect(sql).toBe('exists (select 1 from scim_user_emails e where e.org_id = u.org_id and e.user_id = u.id and ((lower(e.type) = lower(?)) and (e.value_key like ?)))');
    expect(bindings).toEqual(['work', '%@acme%']);
    expect(compile('emails co "acme"').sql).toContain('e.value_key like');
    // Some value differs (RFC 7644 §3.4.2.2: a multi-valued attribute matches when any of its values does).
    expect(compile('emails.value ne "a@b.c"').sql).toMatch(/^exists .* is distinct from/);
    expect(compile('phoneNumbers[type eq "mobile"]').sql).toContain("jsonb_array_elements(u.resource->'phoneNumbers')");
  });

  it('makes not() two-valued so unassigned attributes count as not matching the inner filter', () => {
    expect(compile('not (title eq "x")').sql).toBe(`(not coalesce((lower((u.resource->>'title')) = lower(?)), false))`);
  });

  it('reads booleans (also Entra ID\'s "True"), dates and ids', () => {
    expect(compile('active eq "True"')).toEqual({ sql: '(u.active = ?)', bindings: [true] });
    expect(compile('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual({ sql: "(date_trunc('milliseconds', u.updated_at) > ?::timestamptz)", bindings: ['2011-05-13T04:42:34.000Z'] });
    expect(compile('id eq "not-a-uuid"')).toEqual({ sql: 'false', bindings: [] });
    expect(compile('members.value eq "2819C223-7F76-453A-919D-413861904646"', GROUP_TYPE).bindings).toEqual(['2819c223-7f76-453a-919d-413861904646']);
  });

  it('resolves attribute names case-insensitively and through schema URNs', () => {
    expect(compile('USERNAME eq "x"').sql).toBe(compile('userName eq "x"').sql);
    expect(compile('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"').sql).toBe('(u.user_name_key like ?)');
    expect(compile(`${ENTERPRISE}:department eq "Sales"`).sql).toContain(`u.resource->'${ENTERPRISE}'->>'department'`);
    expect(compile(`${ENTERPRISE}:manager.value eq "m1"`).sql).toContain(`->'manager'->>'value'`);
  });

  it.each<[string, RegExp]>([
    ['nosuch eq "x"', /not an attribute of User/],
    ['ims[type eq "xmpp"]', /not an attribute/],
    ['name eq "x"', /complex/],
    ['emails[nosuch eq "x"]', /no filterable sub-attribute/],
    ['active eq "yes"', /boolean/],
    ['active gt true', /only eq and ne/],
    ['userName eq true', /string/],
    ['meta.created gt "yesterday"', /dateTime/],
    ['meta.created co "2011-05-13T04:42:34Z"', /does not apply/],
    ['meta.created gt "2011"', /dateTime/],
    ['title gt null', /null/],
    ['urn:example:other:2.0:User:userName eq "x"', /not an attribute/],
    ['meta.location eq "x"', /cannot be filtered/],
  ])('rejects %s as invalidFilter', (text, message) => {
    let error: unknown;
    try {
      compile(text);
    } catch (err) {
      error = err;
    }
    expect((error as AppError).details?.scimType).toBe('invalidFilter');
    expect((error as AppError).message).toMatch(message);
  });

  it('sorts by a single-valued attribute, or emails by the primary e-mail', () => {
    expect(compileSort(USER_TYPE, { attr: 'userName' })).toBe('u.user_name_key');
    expect(compileSort(USER_TYPE, { attr: 'emails' })).toBe('u.primary_email');
    expect(compileSort(USER_TYPE, { attr: 'meta', sub: 'created' })).toBe("date_trunc('milliseconds', u.created_at)");
    expect(scimTypeOf(() => compileSort(USER_TYPE, { attr: 'phoneNumbers' }))).toBe('invalidValue');
  });
});

describe('matchesValueFilter()', () => {
  const emails = findAttr(USER_CORE.attributes, 'emails')!;
  const bad = (d: string) => new AppError('VALIDATION_ERROR', d, { scimType: 'invalidPath' });
  const match = (text: string, el: Record<string, unknown>) => {
    const f = parseScimFilter(`emails[${text}]`);
    return matchesValueFilter(emails, el, (f as { filter: Filter }).filter, bad);
  };

  it.each<[string, Record<string, unknown>, boolean]>([
    ['type eq "WORK"', { type: 'work', value: 'a@b.c' }, true],
    ['type eq "work" and value co "@B."', { type: 'work', value: 'a@b.c' }, true],
    ['type eq "home" or primary eq true', { type: 'work', primary: true }, true],
    ['not (type eq "work")', { value: 'x' }, true],
    ['type ne "work"', { value: 'x' }, true],
    ['type pr', { type: '' }, false],
    ['primary eq "True"', { primary: true }, true],
    ['value sw "a@" and value ew ".c"', { value: 'a@b.c' }, true],
    ['type eq null', {}, true],
  ])('evaluates %s on %j', (text, el, expected) => {
    expect(match(text, el)).toBe(expected);
  });

  it('rejects unknown sub-attributes with the caller\'s error', () => {
    expect(scimTypeOf(() => match('nosuch eq "x"', {}))).toBe('invalidPath');
  });
});
