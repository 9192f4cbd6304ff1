import { carriesText } from '../category.js';
import type { Category, StringField } from '../types.js';
import { analyzeSql } from './analyze.js';
import { finding, type Finding } from './finding.js';

/**
 * Keys whose value is SQL whatever the tool: `sql`, `sql_query`, `raw_sql`, `sqlText`… but not
 * `mysql_host` or `sql_mode`, whose values are settings.
 */
const SQL_KEY = /^(raw_?|native_?|custom_?)?sql(_?(query|queries|statements?|stmt|text|string|command|script|code))?$/;
/** Keys that hold a statement in a database tool. */
const STATEMENT_KEY = /^(query|queries|statement|statements|stmt|command|script|ddl|dml)$/;

/** A string that starts like a statement (after blanks, parentheses and comments). */
const STATEMENT_START =
  /^(?:\s|\(|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(select|insert|update|delete|drop|truncate|alter|create|with|merge|replace|upsert|grant|revoke|exec|execute|call|explain|values|copy|vacuum|begin|declare)\b/i;

/**
 * Shapes only SQL has. Outside SQL fields and database tools a string must parse, or have one of
 * these shapes, before it counts as SQL: "Update the docs" and "Select a plan" are prose.
 */
const SQL_SHAPE =
  /^\s*(?:\(\s*)?(select\b[\s\S]*?\bfrom\b|insert\s+into\b|update\s+\S+\s+set\b|delete\s+from\b|drop\s+(table|database|schema|view|index|user|role)\b|truncate\s+(table\s+)?(?!-)[\w"`[]|alter\s+table\b|with\s+\w+\s+as\s*\()/i;

/** looksLikeSql says whether `text` starts like an SQL statement. */
export function looksLikeSql(text: string): boolean {
  return STATEMENT_START.test(text);
}

/**
 * analyzeField returns the findings for a field that holds SQL, or undefined when it does not:
 * a field named like SQL or a database tool's statement field is SQL by contract; elsewhere (except in
 * tools that only carry text) a string must start like a statement and either parse or have an
 * unmistakable SQL shape.
 */
export function analyzeField(field: StringField, category: Category): Finding[] | undefined {
  const value = field.value;
  // One word is a statement only under an SQL key: `{"operation": "delete"}` names a driver call.
  const statement = looksLikeSql(value) && (/\S\s+\S/.test(value) || SQL_KEY.test(field.key));
  if (SQL_KEY.test(field.key) || (category === 'database' && (statement || STATEMENT_KEY.test(field.key)))) {
    // A database tool's `query` in plain words ("orders from O'Brien") is not SQL: its apostrophe is no injection.
    if (!statement && !SQL_KEY.test(field.key) && !SQL_SHAPE.test(value)) return undefined;
    return analyzeSql(value).findings;
  }
  if (!statement || carriesText(category)) return undefined;
  const analysis = analyzeSql(value);
  return analysis.parsed || SQL_SHAPE.test(value) ? analysis.findings : undefined;
}

/** Characters and words without which a value cannot break out of its place in a query. */
const SUSPICIOUS = /['";#]|--|\/\*|\b(or|and|union|select|sleep|benchmark|waitfor|drop|delete|insert|update|exec)\b/i;

/** Where a database tool's other arguments land in the query it builds, by their key. */
/** Keys of the values a tool looks records up by: ids, numbers, codes, user names. */
const LOOKUP_KEY = /^(?:id|ids|uuid|sku|slug|username|user_?name|login|email|account|customer|order|product|item|ref|reference|charge|invoice|q|search|term|keyword)$|(?:_id|id|_ids|_number|_no|_code|_sku|_slug|_name|_ref|_reference)$/;
const SEARCH_BOX_KEY = /^(?:q|search|term|keyword)$/;
const WHERE_KEY = /^(where|filter|filters|condition|conditions|predicate|criteria|having|clause|where_?clause)$/;
const PLACES: Array<[RegExp, (v: string) => string]> = [
  [WHERE_KEY, (v) => `SELECT * FROM t WHERE ${v}`],
  [/^(order|order_?by|sort|sort_?by)$/, (v) => `SELECT * FROM t ORDER BY ${v}`],
  [/^(table|tables|table_?name|from|collection|relation)$/, (v) => `SELECT * FROM ${v}`],
  [/^(columns?|fields?|select|projection)$/, (v) => `SELECT ${v} FROM t`],
];

/**
 * analyzeFragment checks the other strings of a database tool (a filter, a table name, a search value)
 * — and the filters of other tools —
 * by placing them where such a value lands in a query: a filter after WHERE, anything else inside a
 * quoted literal (or as a number, when it starts with one). An unbalanced quote alone is not reported
 * here: "O'Brien" is a value, not an attack.
 */
export function analyzeFragment(field: StringField, category: Category): Finding[] {
  const value = field.value;
  if (carriesText(category) || !SUSPICIOUS.test(value)) return [];
  if (category !== 'database') {
    // Another tool's filter (`search_customers {filter}`) may end up in a WHERE clause too; there only
    // an injection in a filter that is well-formed SQL counts (a search syntax like `label:bug` is not SQL).
    if (WHERE_KEY.test(field.key)) {
      const placed = analyzeSql(`SELECT * FROM t WHERE ${value}`);
      return placed.parsed ? placed.findings.filter((f) => f.id === 'sql_injection') : [];
    }
    // An id or a name a tool looks a record up by (`get_order {order_id: "1 OR 1=1"}`) lands in a query
    // as a literal or a number, like a database tool's value.
    if (!LOOKUP_KEY.test(field.key)) return [];
  }
  const place = PLACES.find(([key]) => key.test(field.key))?.[1];
  const queries = place ? [place(value)] : [`SELECT * FROM t WHERE c = '${value}'`, ...(/^\s*-?\d/.test(value) ? [`SELECT * FROM t WHERE c = ${value}`] : [])];
  // What people type into a search box ("O'Reilly books -- second hand") closes no quote on purpose: there a
  // comment alone is punctuation, and only a tautology, a UNION, a delay or a statement of its own counts.
  const typed = SEARCH_BOX_KEY.test(field.key);
  const findings = queries.flatMap((q) => analyzeSql(q).findings).filter((f) => !f.evidence.startsWith('unbalanced quote') && !(typed && f.evidence.startsWith('comment truncation')));
  // A value that ends its number or its literal and goes on with UNION SELECT reads another table.
  const union = UNION_AFTER_VALUE.exec(value);
  if (union && !findings.some((f) => f.id === 'sql_injection')) findings.push(finding('sql_injection', 'critical', 'UNION-based', value.slice(union.index, union.index + 60)));
  return findings;
}

const UNION_AFTER_VALUE = /(?:^\s*-?\d+|['"`])\s*\)*\s*(?:\/\*.*?\*\/\s*)*union(?:\s+|\/\*.*?\*\/)+(?:all\s+|distinct\s+)?select\b/i;
