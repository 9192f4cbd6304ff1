import { z } from 'zod';
import { invalidSyntax, invalidValue } from './errors.js';
import { parseAttrPath, parseScimFilter, type Filter } from './filter.js';
import type { RawAttrPath } from './schema.js';

/** Page size when the client names none, and the most one page may hold (ServiceProviderConfig). */
export const DEFAULT_COUNT = 100;
export const MAX_RESULTS = 1000;

export interface ListQuery {
  filter?: Filter;
  /** 1-based. */
  startIndex: number;
  count: number;
  sortBy?: RawAttrPath;
  descending: boolean;
}

/** Which attributes a response carries (RFC 7644 §3.9); attribute paths as the client wrote them. */
export interface Projection {
  attributes: string[];
  excludedAttributes: string[];
}

export interface ListRequest {
  query: ListQuery;
  projection: Projection;
}

type Params = Record<string, string | string[] | number | undefined>;

/** param reads a query parameter case-insensitively; a repeated one is 400 invalidValue. */
function param(params: Params, name: string): string | number | undefined {
  const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : params[key];
  if (Array.isArray(v)) throw invalidValue(`${name} is given ${v.length} times; give it once`);
  return v;
}

function integer(v: string | number | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw invalidValue(`${name} must be an integer; got ${JSON.stringify(v)}`);
  return n;
}

function list(v: string | number | undefined): string[] {
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * projectionFrom reads attributes / excludedAttributes (comma-separated). When both are given,
 * attributes wins.
 */
export function projectionFrom(params: Params): Projection {
  const attributes = list(param(params, 'attributes'));
  return { attributes, excludedAttributes: attributes.length > 0 ? [] : list(param(params, 'excludedAttributes')) };
}

/**
 * listRequestFrom reads the list parameters (RFC 7644 §3.4.2) from a query string or a .search
 * body: startIndex below 1 counts as 1, a negative count as 0, a count above MAX_RESULTS as
 * MAX_RESULTS; a filter is parsed here (400 invalidFilter); sortOrder is ascending or descending.
 */
export function listRequestFrom(params: Params): ListRequest {
  const filterText = param(params, 'filter');
  const startIndex = Math.max(1, integer(param(params, 'startIndex'), 'startIndex') ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, integer(param(params, 'count'), 'count') ?? DEFAULT_COUNT));
  const sortByText = param(params, 'sortBy');
  const sortOrder = String(param(params, 'sortOrder') ?? 'ascending').toLowerCase();
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') throw invalidValue(`sortOrder must be ascending or descending; got ${JSON.stringify(sortOrder)}`);
  let sortBy: RawAttrPath | undefined;
  if (typeof sortByText === 'string' && sortByText.trim() !== '') {
    sortBy = parseAttrPath(sortByText.trim());
    if (!sortBy) throw invalidValue(`sortBy ${JSON.stringify(sortByText)} is not an attribute path`);
  }
  const filter = typeof filterText === 'string' && filterText.trim() !== '' ? parseScimFilter(filterText) : undefined;
  return { query: { filter, startIndex, count, sortBy, descending: sortOrder === 'descending' }, projection: projectionFrom(params) };
}

const stringList = z.union([z.array(z.string()), z.string()]).transform((v) => (Array.isArray(v) ? v.join(',') : v));

/** The body of POST …/.search (RFC 7644 §3.4.3). */
export const SearchRequestBody = z.looseObject({
  schemas: z.array(z.string()).optional(),
  attributes: stringList.optional(),
  excludedAttributes: stringList.optional(),
  filter: z.string().optional(),
  sortBy: z.string().optional(),
  sortOrder: z.string().optional(),
  startIndex: z.union([z.number(), z.string()]).optional(),
  count: z.union([z.number(), z.string()]).optional(),
});

/** searchRequestFrom validates a .search body (400 invalidSyntax naming the field) and reads it. */
export function searchRequestFrom(body: unknown): ListRequest {
  const parsed = SearchRequestBody.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidSyntax(`invalid SearchRequest: ${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  }
  const { schemas: _schemas, ...params } = parsed.data;
  return listRequestFrom(params as Params);
}
