import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { RE2JS } from 're2js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

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
  validateFormats: true,
  code: { regExp: re2RegExp as unknown as NonNullable<Options['code']>['regExp'] },
};

/** createAjv returns a JSON Schema 2020-12 validator with formats on and RE2 for patterns. */
export function createAjv(): Ajv2020 {
  return addFormats(new Ajv2020(OPTIONS));
}
