import type { Json } from './coerce.js';
import { MAX_RESULTS } from './list-query.js';
import { RESOURCE_TYPES, type AttrDef, type ResourceType, type SchemaDef } from './schema.js';

/**
 * Discovery documents (RFC 7644 §4, RFC 7643 §5–7), generated from the schema definitions so
 * they describe exactly what this server does.
 */

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(base: string): Json {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authorization: Bearer with a SCIM token (scim_…) created by an org admin: POST /api/v1/scim-tokens',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypeDoc(rt: ResourceType, base: string): Json {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: rt.name,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.core.id,
    schemaExtensions: rt.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${rt.name}` },
  };
}

function attributeDoc(a: AttrDef): Json {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues ? { canonicalValues: a.canonicalValues } : {}),
    ...(a.referenceTypes ? { referenceTypes: a.referenceTypes } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attributeDoc) } : {}),
  };
}

export function schemaDoc(s: SchemaDef, base: string): Json {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map(attributeDoc),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
  };
}

export function allSchemas(): SchemaDef[] {
  return RESOURCE_TYPES.flatMap((rt) => [rt.core, ...rt.extensions]);
}

export function findResourceType(id: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((rt) => rt.name.toLowerCase() === id.toLowerCase());
}

export function findSchemaDef(id: string): SchemaDef | undefined {
  return allSchemas().find((s) => s.id.toLowerCase() === id.toLowerCase());
}
