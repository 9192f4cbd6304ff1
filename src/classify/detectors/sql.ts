import { loadModule } from 'libpg-query';
import { openSqlBudget } from '../sql/analyze.js';
import { datastoreFindings } from '../sql/datastores.js';
import { analyzeFragment, analyzeField } from '../sql/fields.js';
import { carriesText } from '../category.js';
import { excerpt } from '../evidence.js';
import { escapePointerToken } from '../walk.js';
import type { Finding } from '../sql/finding.js';
import type { DetectionInput, Signal, StringField } from '../types.js';

/** initSql loads PostgreSQL's parser (WASM); detectSql requires it. */
export async function initSql(): Promise<void> {
  await loadModule();
}

const RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * detectSql reports `sql_injection` and `destructive_operation` for SQL in a call's arguments: fields
 * named like SQL, every string of a database tool, and strings elsewhere that clearly are SQL. One
 * signal per id and field, the most severe finding's.
 */
export function detectSql(input: DetectionInput): Signal[] {
  if (!input.embedded) openSqlBudget();
  const out: Signal[] = input.category === 'database' ? datastoreFindings(input.toolName, input.fields, input.args) : [];
  const carrier = carriesText(input.category);
  const operators = carrier ? [] : (input.documents ?? []).flatMap(([doc, pointer]) => operatorInjections(doc, pointer, input.category));
  out.push(...operators);
  // An operator's operand is no statement of its own: it was judged with its operator.
  const reported = new Set(operators.map((s) => s.path));
  for (const field of input.fields) {
    if (reported.has(field.pointer)) continue;
    const js = carrier ? undefined : serverJavaScript(field);
    if (js) {
      out.push(js);
      continue;
    }
    const findings = analyzeField(field, input.category) ?? [...analyzeFragment(field, input.category), ...(carrier ? [] : requestParameters(field))];
    const best = new Map<string, Signal>();
    for (const f of findings) {
      const prev = best.get(f.id);
      if (!prev || RANK[f.severity] > RANK[prev.severity]) best.set(f.id, { id: f.id, severity: f.severity, path: field.pointer, evidence: f.evidence });
    }
    out.push(...best.values());
  }
  return out;
}

/** A URL with a query string, or a form-encoded body (`user=admin&password=x`). */
const URL_WITH_QUERY = /^https?:\/\/[^\s?#]*\?[^#]/i;
const FORM_BODY = /^[\w.%[\]-]{1,64}=[^&\s]*(?:&[\w.%[\]-]{1,64}=[^&\s]*)+$/;

/**
 * requestParameters reads the parameters of a URL's query string or of a form-encoded body as the
 * values a web application puts into its queries (`GET /item?id=1 UNION SELECT …`, an agent probing
 * a site): each decoded value is placed like a database tool's value (analyzeFragment). Only
 * injection counts here: a parameter is nobody's statement.
 */
function requestParameters(field: StringField): Finding[] {
  const value = field.value;
  if (value.length > 65_536) return [];
  let params: URLSearchParams;
  if (URL_WITH_QUERY.test(value)) {
    try {
      params = new URL(value).searchParams;
    } catch {
      return [];
    }
  } else if (FORM_BODY.test(value)) {
    params = new URLSearchParams(value);
  } else {
    return [];
  }
  const out: Finding[] = [];
  let n = 0;
  for (const [name, v] of params) {
    if (++n > 50) break;
    const found = analyzeFragment({ pointer: field.pointer, key: name.toLowerCase(), value: v }, 'database').filter((f) => f.id === 'sql_injection' && (f.severity === 'high' || f.severity === 'critical'));
    out.push(...found.map((f) => ({ ...f, evidence: excerpt(`in parameter ${name.slice(0, 40)}: ${f.evidence}`) })));
  }
  return out;
}

/** Query operators of document databases that match more than the one value a field was meant to hold. */
const MATCH_OPERATORS = new Set(['$ne', '$gt', '$gte', '$lt', '$lte', '$regex', '$nin', '$in', '$exists', '$not', '$nor', '$or', '$expr', '$where']);
const CREDENTIAL_KEY = /^(?:password|passwd|pass|pwd|passcode|pin|secret|token|api_?key|otp)$/i;
/** Who a login or a lookup is for: one value, never a condition, in any tool that is not itself a database client. */
const IDENTITY_KEY = /^(?:user|username|user_?name|login|email|user_?id|userid|account|account_?id)$/i;

/**
 * operatorInjections finds document-database operator objects where one value belongs, whatever their
 * operand (`{"password": {"$ne": null}}`, `{"username": {"$gt": ""}}` — a string walk never sees
 * `null` or numbers): on a credential in any tool that is not a text carrier (a login's `password`, a
 * database filter's `password`: every record matches), and on the user or account a non-database
 * tool (a login, a lookup) is called for — a top-level argument; filters
 * (`{"filter": {"email": {"$regex": …}}}`) and database tools compare ids and e-mails with operators.
 */
function operatorInjections(document: unknown, base: string, category: DetectionInput['category']): Signal[] {
  const out: Signal[] = [];
  let budget = 10_000;
  const visit = (v: unknown, pointer: string, depth: number): void => {
    if (v === null || typeof v !== 'object' || depth > 32 || --budget < 0) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${pointer}/${i}`, depth + 1));
      return;
    }
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      // Only objects hold operators: strings and numbers (most of any call) cost one test.
      if (child === null || typeof child !== 'object') continue;
      const at = `${pointer}/${escapePointerToken(key)}`;
      if (!Array.isArray(child) && (CREDENTIAL_KEY.test(key) || (depth === 0 && category !== 'database' && IDENTITY_KEY.test(key)))) {
        // `$exists` only bypasses a login (a top-level credential); in a nested filter it is a question.
        const op = Object.keys(child).find((k) => MATCH_OPERATORS.has(k) && (k !== '$exists' || depth === 0));
        if (op) {
          const credential = CREDENTIAL_KEY.test(key);
          const where = credential ? 'on a credential field' : 'where one value belongs';
          out.push({ id: 'sql_injection', severity: 'high', path: `${at}/${escapePointerToken(op)}`, evidence: excerpt(`NoSQL operator ${where} (matches every record): ${key} ${op} ${safeOperand((child as Record<string, unknown>)[op], credential)}`) });
          continue;
        }
      }
      visit(child, at, depth + 1);
    }
  };
  visit(document, base, 0);
  return out;
}

/** safeOperand shows an operand in evidence without serialising an unbounded value (nor a credential's text). */
function safeOperand(v: unknown, credential: boolean): string {
  if (typeof v === 'string') return credential ? (v === '' ? '""' : '"…"') : JSON.stringify(v.slice(0, 40));
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? '[…]' : '{…}';
}

/** serverJavaScript reports MongoDB's `$where`/`$function`/`$accumulator`: JavaScript run on the server (`sleep(5000)`, `this.password…`). */
function serverJavaScript(field: StringField): Signal | undefined {
  if (field.key !== '$where' && field.key !== '$function' && field.key !== '$accumulator') return undefined;
  return { id: 'sql_injection', severity: 'high', path: field.pointer, evidence: excerpt(`NoSQL ${field.key} runs JavaScript on the server: ${field.value}`) };
}
