import type { Category } from './types.js';

/** Words in a tool name that name its category, most specific first. */
const NAME_RULES: Array<[Category, RegExp]> = [
  ['payment', /(pay|charge|refund|invoice|stripe|billing|transfer_funds|wire|payout|checkout|subscription)/],
  ['email', /(e?mail|smtp|inbox|newsletter)/],
  ['database', /(sql|db_|_db|database|query|postgres|mysql|sqlite|mongo|redis|bigquery|snowflake|table)/],
  ['code', /(code|python|eval|javascript|typescript|node_|repl|notebook|jupyter|compile)/],
  ['shell', /(shell|bash|exec|command|terminal|cmd|run_|subprocess|spawn|powershell|ssh|script)/],
  ['filesystem', /(file|fs_|_fs|read|write|path|dir|folder|upload|download|storage|s3|blob|symlink|hardlink)/],
  ['network', /(http|fetch|url|request|web|browse|curl|api_call|webhook|scrape|crawl|get_page)/],
];

/** Argument keys that betray a category when the tool name does not. */
const KEY_RULES: Array<[Category, RegExp]> = [
  ['database', /^(sql|query|statement)$/],
  ['shell', /^(command|cmd|script|shell|executable|argv)$/],
  ['email', /^(to|cc|bcc|recipient|recipients)$/],
  ['payment', /^(amount|currency|card|card_number|iban|account_number)$/],
  ['network', /^(url|uri|endpoint|href|host)$/],
  ['filesystem', /^(path|file|filename|filepath|directory|dir)$/],
  ['code', /^(code|source|program)$/],
];

/** categorize names the kind of tool from its name, then from the shape of its arguments. */
export function categorize(toolName: string, argumentKeys: string[]): Category {
  // Full-width and other compatibility spellings (`ｄｅｌｅｔｅ_ｆｉｌｅ`) name the same tool.
  const name = (/[^\x20-\x7e]/.test(toolName) ? toolName.normalize('NFKC') : toolName).toLowerCase().replace(/[\s./:-]+/g, '_');
  for (const [category, re] of NAME_RULES) if (re.test(name)) return category;
  const keys = argumentKeys.map((k) => k.toLowerCase());
  for (const [category, re] of KEY_RULES) if (keys.some((k) => re.test(k))) return category;
  return 'general';
}

/**
 * carriesText: a tool that writes or sends text rather than running or fetching it — a file being
 * written, an e-mail being sent. SQL, URLs and query parameters in its content are content
 * (`migrations/002_down.sql`: `DROP TABLE users;`), judged only under keys that name what they are.
 */
export function carriesText(category: Category): boolean {
  return category === 'filesystem' || category === 'email';
}
