/**
 * The SCIM schemas this server supports (RFC 7643 §4, §8.7): exactly the attributes it stores. The
 * same definitions drive input normalisation, PATCH, filters, projections and GET /Schemas.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type AttrType = 'string' | 'boolean' | 'dateTime' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'default' | 'never' | 'request';

export interface AttrDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttrDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttrDef[];
}

export interface ResourceType {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  description: string;
  core: SchemaDef;
  extensions: SchemaDef[];
  /** id, externalId, meta (RFC 7643 §3.1): on every resource, listed in no schema. */
  common: AttrDef[];
}

type Opts = Partial<Omit<AttrDef, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttrType, description: string, opts: Opts = {}): AttrDef {
  return { name, type, multiValued: false, description, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...opts };
}

const str = (name: string, description: string, opts: Opts = {}): AttrDef => attr(name, 'string', description, opts);

const primary = attr('primary', 'boolean', 'Whether this is the primary value; at most one value is primary.');

function multi(name: string, description: string, typeValues: string[], opts: Opts = {}): AttrDef {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [str('value', `The ${name} value.`), str('type', `A label: ${typeValues.join(', ')}.`, { canonicalValues: typeValues }), primary],
    ...opts,
  });
}

const readOnly: Opts = { mutability: 'readOnly' };

const COMMON: AttrDef[] = [
  str('id', 'Unique identifier assigned by the service provider.', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  str('externalId', 'Identifier assigned by the provisioning client.', { caseExact: true }),
  attr('meta', 'complex', 'Resource metadata.', {
    ...readOnly,
    subAttributes: [
      str('resourceType', 'User or Group.', { ...readOnly, caseExact: true }),
      attr('created', 'dateTime', 'When the resource was created.', readOnly),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', readOnly),
      attr('location', 'reference', 'The URI of the resource.', { ...readOnly, caseExact: true, referenceTypes: ['uri'] }),
      str('version', 'Weak entity tag of the resource.', { ...readOnly, caseExact: true }),
    ],
  }),
];

export const USER_CORE: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the user, case-insensitive.', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', "The components of the user's name.", {
      subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => str(n, `The ${n} part of the name.`)),
    }),
    str('displayName', 'The name of the user, suitable for display.'),
    str('nickName', 'The casual way to address the user.'),
    str('title', "The user's title, such as \"Vice President\"."),
    str('userType', 'The relationship of the user to the organisation, such as "Employee".'),
    str('preferredLanguage', 'Preferred written or spoken language (RFC 7231 Accept-Language form).'),
    str('locale', 'Default location for localisation, such as "en-US".'),
    str('timezone', 'Time zone in IANA form, such as "Europe/Paris".'),
    attr('active', 'boolean', 'Whether the user may act (deactivated users are kept and listed).'),
    multi('emails', 'E-mail addresses; values are case-insensitive.', ['work', 'home', 'other']),
    multi('phoneNumbers', 'Phone numbers.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    attr('groups', 'complex', 'Groups the user belongs to (managed through /Groups).', {
      multiValued: true,
      ...readOnly,
      subAttributes: [
        str('value', 'The id of the group.', readOnly),
        attr('$ref', 'reference', 'The URI of the group.', { ...readOnly, referenceTypes: ['Group'] }),
        str('display', 'The displayName of the group.', readOnly),
        str('type', 'direct', { ...readOnly, canonicalValues: ['direct'] }),
      ],
    }),
  ],
};

export const ENTERPRISE_USER: SchemaDef = {
  id: ENTERPRISE_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Identifier assigned by the organisation.'),
    str('costCenter', 'Cost center.'),
    str('organization', 'Organisation.'),
    str('division', 'Division.'),
    str('department', 'Department.'),
    attr('manager', 'complex', "The user's manager.", {
      subAttributes: [
        str('value', 'The id of the manager.'),
        attr('$ref', 'reference', 'The URI of the manager.', { referenceTypes: ['User'] }),
        str('displayName', 'The displayName of the manager.', readOnly),
      ],
    }),
  ],
};

export const GROUP_CORE: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'Name of the group, unique within the organisation (case-insensitive).', { required: true, uniqueness: 'server' }),
    attr('members', 'complex', 'Users in the group.', {
      multiValued: true,
      subAttributes: [
        str('value', 'The id of the user.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the user.', { mutability: 'immutable', referenceTypes: ['User'] }),
        str('display', "The member's displayName (or userName).", readOnly),
        str('type', 'User', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};

export const USER_TYPE: ResourceType = { name: 'User', endpoint: '/Users', description: 'User Account', core: USER_CORE, extensions: [ENTERPRISE_USER], common: COMMON };
export const GROUP_TYPE: ResourceType = { name: 'Group', endpoint: '/Groups', description: 'Group', core: GROUP_CORE, extensions: [], common: COMMON };
export const RESOURCE_TYPES: readonly ResourceType[] = [USER_TYPE, GROUP_TYPE];

/**
 * Attributes of the RFC 7643 User schema this server does not store. A PATCH naming one is accepted
 * and has no effect (IdPs map some of them by default); any other unknown name is invalidPath.
 */
export const IGNORED_USER_ATTRIBUTES = new Set(['password', 'profileurl', 'addresses', 'ims', 'photos', 'entitlements', 'roles', 'x509certificates']);

const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function findAttr(list: readonly AttrDef[] | undefined, name: string): AttrDef | undefined {
  return list?.find((a) => eqi(a.name, name));
}

/** A raw attribute path as written: `[uri ":"] attr ["." sub]`. */
export interface RawAttrPath {
  uri?: string;
  attr: string;
  sub?: string;
}

/** An attribute path resolved against a resource type. `extension` is set for extension attributes. */
export interface ResolvedAttr {
  extension?: string;
  attr: AttrDef;
  sub?: AttrDef;
}

export type Resolution = { ok: true; path: ResolvedAttr } | { ok: false; reason: 'unknown' | 'unknown-schema' | 'ignored' };

/** findSchema finds a schema of this resource type by URN (case-insensitive). */
export function findSchema(rt: ResourceType, uri: string): SchemaDef | undefined {
  return [rt.core, ...rt.extensions].find((s) => eqi(s.id, uri));
}

/**
 * resolveAttrPath resolves `[uri:]attr[.sub]` case-insensitively. Unqualified names are looked up
 * in the core schema, then the common attributes, then the extensions (clients send `department`).
 */
export function resolveAttrPath(rt: ResourceType, p: RawAttrPath): Resolution {
  let attr: AttrDef | undefined;
  let extension: string | undefined;
  if (p.uri !== undefined) {
    const schema = findSchema(rt, p.uri);
    if (!schema) return { ok: false, reason: 'unknown-schema' };
    attr = findAttr(schema.attributes, p.attr) ?? (schema === rt.core ? findAttr(rt.common, p.attr) : undefined);
    if (schema !== rt.core) extension = schema.id;
  } else {
    attr = findAttr(rt.core.attributes, p.attr) ?? findAttr(rt.common, p.attr);
    if (!attr) {
      for (const ext of rt.extensions) {
        attr = findAttr(ext.attributes, p.attr);
        if (attr) {
          extension = ext.id;
          break;
        }
      }
    }
  }
  if (!attr) return { ok: false, reason: rt === USER_TYPE && extension === undefined && IGNORED_USER_ATTRIBUTES.has(p.attr.toLowerCase()) ? 'ignored' : 'unknown' };
  if (p.sub === undefined) return { ok: true, path: { extension, attr } };
  const sub = findAttr(attr.subAttributes, p.sub);
  if (!sub) return { ok: false, reason: 'unknown' };
  return { ok: true, path: { extension, attr, sub } };
}

/** describePath names a resolved path the way clients write it (`name.givenName`, `…:User:department`). */
export function describePath(p: ResolvedAttr): string {
  const base = p.sub ? `${p.attr.name}.${p.sub.name}` : p.attr.name;
  return p.extension ? `${p.extension}:${base}` : base;
}

/** isReadOnly: the attribute (or the sub-attribute addressed) may not be written by clients. */
export function isReadOnly(p: ResolvedAttr): boolean {
  return p.attr.mutability === 'readOnly' || p.sub?.mutability === 'readOnly';
}
