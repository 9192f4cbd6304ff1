import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import formatsModule from 'ajv-formats/dist/formats.js';
import canonicalize from 'canonicalize';
import { RE2JS } from 're2js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const { fullFormats } = formatsModule as unknown as { fullFormats: Record<string, unknown> };

/**
 * re2RegExp gives AJV a linear-time regular-expression engine (RE2), so no `pattern` in a policy
 * can backtrack catastrophically. RE2 rejects look-around and back-references: such a schema does
 * not compile, and the policy is refused with the engine's message.
 */
function re2RegExp(pattern: string, flags?: string): { test: (s: string) => boolean; toString: () => string } {
  const re = RE2JS.compile(flags?.includes('i') ? `(?i)${pattern}` : pattern);
  // AJV keys compiled patterns by toString(): it must be unique per pattern.
  return { test: (s: string) => re.matcher(s).find(), toString: () => `re2:/${pattern}/${flags ?? ''}` };
}
re2RegExp.code = 'require("re2js").RE2JS';

const OPTIONS: Options = {
  // Unknown keywords ("maxLenght") are errors; schemas need not repeat `type` for every keyword.
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: false,
  // A call's arguments are parsed JSON: `required: ["constructor"]` must not be met by Object.prototype.
  ownProperties: true,
  validateFormats: true,
  code: { regExp: re2RegExp as unknown as NonNullable<Options['code']>['regExp'] },
};

interface UniqueItemsCheck {
  (schema: boolean, data: unknown): boolean;
  errors?: Array<{ keyword: string; message: string; params: { i: number; j: number } }>;
}

/** keyOf is an item's RFC 8785 form: equal for exactly the items JSON Schema calls equal. */
function keyOf(item: unknown): string {
  try {
    return canonicalize(item) ?? 'null';
  } catch {
    return JSON.stringify(item) ?? 'null'; // what RFC 8785 refuses (no such value passes the API's body checks)
  }
}

/**
 * uniqueItems in linear time: AJV compares every item with every other (an agent's array of 10,000
 * objects cost a policy a second of the event loop); here each item's RFC 8785 form goes into a map,
 * which equates exactly what JSON Schema equates (member order aside, numbers by value). The error
 * names the two equal items as AJV's does (`i`, `j`).
 */
const uniqueItems: UniqueItemsCheck = (schema, data) => {
  if (!schema || !Array.isArray(data)) return true;
  const seen = new Map<string, number>();
  for (let later = 0; later < data.length; later++) {
    const key = keyOf(data[later]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      // AJV's params: i the later item, j the earlier one.
      uniqueItems.errors = [{ keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${earlier} and ${later} are identical)`, params: { i: later, j: earlier } }];
      return false;
    }
    seen.set(key, later);
  }
  return true;
};

/**
 * ajv-formats' `url` pattern backtracks quadratically on its user-info part (`http://` and 40,000
 * colons: 0.6 s; a 1 MiB argument: minutes). It keeps its meaning up to the 2,048 characters of a
 * URL any browser or server takes, where it costs ~2 ms at worst; nothing longer is a `url`.
 */
const MAX_URL = 2_048;
const URL_PATTERN = fullFormats.url as RegExp;

/** createAjv returns a JSON Schema 2020-12 validator with formats on, RE2 for patterns and a linear uniqueItems. */
export function createAjv(): Ajv2020 {
  const ajv = addFormats(new Ajv2020(OPTIONS));
  ajv.addFormat('url', { type: 'string', validate: (s: string) => s.length <= MAX_URL && URL_PATTERN.test(s) });
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItems as never });
  return ajv;
}
