import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { IndexedValueType } = proto.temporal.api.enums.v1;
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

/**
 * ensureSearchAttributes registers the gateway's search attributes on the namespace when missing.
 * (`start-dev --search-attribute` only registers them when it creates its database, so an existing
 * data dir from an older version would otherwise lack new ones.)
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = SEARCH_ATTRIBUTES.filter((k) => !known.has(k.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return missing.map((k) => k.name);
}
