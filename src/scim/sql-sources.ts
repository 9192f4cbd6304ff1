import { ENTERPRISE_USER, GROUP_CORE, GROUP_TYPE, USER_CORE, USER_TYPE, type AttrDef, type ResourceType, type SchemaDef } from './schema.js';

/**
 * Where each filterable attribute lives in SQL. Columns for what IdPs filter on (indexed:
 * userName, externalId, displayName, emails in their own table), the jsonb `resource` for the rest.
 * Every SQL text here is built from these constants, never from a request.
 */

export interface Scalar {
  sql: string;
  type: 'string' | 'boolean' | 'dateTime' | 'uuid';
  caseExact: boolean;
  /**
   * A column holding the caseKey of a case-insensitive string (indexed): filters and sorts compare
   * it with the operand's caseKey, which folds every script. Without one, they compare lower() of
   * both sides, which under the C locale folds A–Z only.
   */
  key?: string;
}

export type Source =
  | { kind: 'scalar'; scalar: Scalar }
  /** A single-valued complex attribute: its sub-attributes are scalars of the same row. */
  | { kind: 'complex'; subs: Record<string, Scalar>; present: string }
  /** A multi-valued attribute: `from` is "from … where <correlated to the resource row>". */
  | { kind: 'rows'; from: string; subs: Record<string, Scalar>; value?: Scalar };

export interface SourceMap {
  /** Keyed by `<extension URN or ''>|<attribute name>`. */
  byAttr: Map<string, Source>;
  schemas: Source;
}

function literal(key: string): string {
  if (!/^[A-Za-z0-9:._$-]+$/.test(key)) throw new Error(`unsafe JSON key in a SQL source: ${key}`);
  return `'${key}'`;
}

/** json(base, 'a', 'b') is `base->'a'->>'b'`: the text at that JSON path. */
function json(base: string, ...keys: string[]): string {
  return base + keys.map((k, i) => `${i === keys.length - 1 ? '->>' : '->'}${literal(k)}`).join('');
}

function jsonObject(base: string, ...keys: string[]): string {
  return base + keys.map((k) => `->${literal(k)}`).join('');
}

function scalarAt(attr: AttrDef, textSql: string): Scalar {
  if (attr.type === 'boolean') return { sql: `(${textSql})::boolean`, type: 'boolean', caseExact: true };
  if (attr.type === 'dateTime') return { sql: `(${textSql})::timestamptz`, type: 'dateTime', caseExact: true };
  return { sql: `(${textSql})`, type: 'string', caseExact: attr.caseExact };
}

/** fromResource maps every attribute of a schema to its place in `<alias>.resource`. */
function fromResource(alias: string, schema: SchemaDef, extension: string | undefined, into: Map<string, Source>): void {
  const root = extension ? [extension] : [];
  for (const attr of schema.attributes) {
    const key = `${extension ?? ''}|${attr.name}`;
    if (attr.multiValued) {
      const from = `from jsonb_array_elements(${jsonObject(`${alias}.resource`, ...root, attr.name)}) x where true`;
      const subs: Record<string, Scalar> = {};
      for (const sub of attr.subAttributes ?? []) subs[sub.name] = scalarAt(sub, json('x', sub.name));
      into.set(key, { kind: 'rows', from, subs });
    } else if (attr.type === 'complex') {
      const subs: Record<string, Scalar> = {};
      for (const sub of attr.subAttributes ?? []) subs[sub.name] = scalarAt(sub, json(`${alias}.resource`, ...root, attr.name, sub.name));
      into.set(key, { kind: 'complex', subs, present: jsonObject(`${alias}.resource`, ...root, attr.name) });
    } else {
      into.set(key, { kind: 'scalar', scalar: scalarAt(attr, json(`${alias}.resource`, ...root, attr.name)) });
    }
  }
}

function common(alias: string, rt: ResourceType, into: Map<string, Source>): void {
  into.set('|id', { kind: 'scalar', scalar: { sql: `${alias}.id`, type: 'uuid', caseExact: false } });
  into.set('|externalId', { kind: 'scalar', scalar: { sql: `${alias}.external_id`, type: 'string', caseExact: true } });
  into.set('|meta', {
    kind: 'complex',
    present: `${alias}.created_at`,
    subs: {
      resourceType: { sql: `'${rt.name}'`, type: 'string', caseExact: true },
      // At the milliseconds meta shows: `lastModified eq "<as returned>"` must match, and `gt` must not.
      created: { sql: `date_trunc('milliseconds', ${alias}.created_at)`, type: 'dateTime', caseExact: true },
      lastModified: { sql: `date_trunc('milliseconds', ${alias}.updated_at)`, type: 'dateTime', caseExact: true },
      version: { sql: `('W/"' || ${alias}.version || '"')`, type: 'string', caseExact: true },
    },
  });
}

function schemasOf(alias: string): Source {
  const value: Scalar = { sql: 's', type: 'string', caseExact: false };
  return { kind: 'rows', from: `from jsonb_array_elements_text(${alias}.resource->'schemas') s where true`, subs: {}, value };
}

function userSources(): SourceMap {
  const m = new Map<string, Source>();
  fromResource('u', USER_CORE, undefined, m);
  fromResource('u', ENTERPRISE_USER, ENTERPRISE_USER.id, m);
  common('u', USER_TYPE, m);
  const ci = (sql: string): Scalar => ({ sql, type: 'string', caseExact: false });
  m.set('|userName', { kind: 'scalar', scalar: { ...ci('u.user_name'), key: 'u.user_name_key' } });
  m.set('|displayName', { kind: 'scalar', scalar: ci('u.display_name') });
  m.set('|active', { kind: 'scalar', scalar: { sql: 'u.active', type: 'boolean', caseExact: true } });
  const name = m.get('|name') as Extract<Source, { kind: 'complex' }>;
  m.set('|name', { ...name, subs: { ...name.subs, givenName: ci('u.given_name'), familyName: ci('u.family_name') } });
  m.set('|emails', {
    kind: 'rows',
    from: 'from scim_user_emails e where e.org_id = u.org_id and e.user_id = u.id',
    subs: { value: { ...ci('e.value'), key: 'e.value_key' }, type: ci('e.type'), primary: { sql: 'e.is_primary', type: 'boolean', caseExact: true } },
  });
  m.set('|groups', {
    kind: 'rows',
    from: 'from scim_group_members m join scim_groups mg on mg.id = m.group_id where m.user_id = u.id',
    subs: { value: { sql: 'm.group_id', type: 'uuid', caseExact: false }, display: { ...ci('mg.display_name'), key: 'mg.display_name_key' }, type: { sql: `'direct'`, type: 'string', caseExact: false } },
  });
  return { byAttr: m, schemas: schemasOf('u') };
}

function groupSources(): SourceMap {
  const m = new Map<string, Source>();
  common('g', GROUP_TYPE, m);
  m.set('|displayName', { kind: 'scalar', scalar: { sql: 'g.display_name', type: 'string', caseExact: false, key: 'g.display_name_key' } });
  m.set('|members', {
    kind: 'rows',
    from: 'from scim_group_members m join scim_users mu on mu.id = m.user_id where m.group_id = g.id',
    subs: {
      value: { sql: 'm.user_id', type: 'uuid', caseExact: false },
      display: { sql: 'coalesce(mu.display_name, mu.user_name)', type: 'string', caseExact: false },
      type: { sql: `'User'`, type: 'string', caseExact: false },
    },
  });
  for (const attr of GROUP_CORE.attributes) if (!m.has(`|${attr.name}`)) throw new Error(`no SQL source for Group.${attr.name}`);
  return { byAttr: m, schemas: schemasOf('g') };
}

export const SOURCES: Record<ResourceType['name'], SourceMap> = { User: userSources(), Group: groupSources() };
