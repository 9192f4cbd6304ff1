/** Function and relation names that SQL injection payloads use and ordinary queries rarely do. */

/** Functions that stall the server: time-based blind injection. Names are lower-case, schema-qualified where they must be. */
export const TIME_FUNCTIONS = new Set([
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  'sleep',
  'benchmark',
  'dbms_lock.sleep',
  'dbms_session.sleep',
  'dbms_pipe.receive_message',
]);

/** Functions whose error message carries data: error-based injection. */
export const ERROR_FUNCTIONS = new Set([
  'extractvalue',
  'updatexml',
  'xmltype',
  'name_const',
  'gtid_subset',
  'gtid_subtract',
  'utl_inaddr.get_host_address',
  'utl_inaddr.get_host_name',
  'utl_http.request',
  'httpuritype',
  'ctxsys.drithsx.sn',
  'ctxsys.ctx_report.token_type',
  'dbms_xmlgen.getxml',
  'dbms_utility.sqlid_to_sqlhash',
  'ordsys.ord_dicom.getmappingxpath',
  'sys.dbms_export_extension.get_domain_index_tables',
]);

/** Functions that read the server's identity or files: what extraction payloads select. */
export const SYSTEM_FUNCTIONS = new Set([
  'version',
  'user',
  'database',
  'schema',
  'system_user',
  'session_user',
  'current_user',
  'current_database',
  'current_schema',
  'current_setting',
  'db_name',
  'user_name',
  'suser_name',
  'host_name',
  'load_file',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_dir',
  'lo_import',
  'lo_export',
  'sys_eval',
  'sys_exec',
  'xp_cmdshell',
  'sqlite_version',
  'dblink',
  'dblink_exec',
]);

/**
 * Functions that reach past the database to the server it runs on: its files (read, list, import,
 * export) or its shell. An agent's query has no business there; a payload does.
 */
export const SERVER_FILE_FUNCTIONS = new Set(['pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'lo_import', 'lo_export', 'load_file']);
export const SERVER_COMMAND_FUNCTIONS = new Set(['sys_eval', 'sys_exec', 'xp_cmdshell']);

/** Relations that hold the server's password hashes (PostgreSQL, MySQL `mysql.user`, MSSQL). */
export function isPasswordRelation(schema: string | undefined, relation: string): boolean {
  const r = relation.toLowerCase();
  return r === 'pg_shadow' || r === 'pg_authid' || r === 'sql_logins' || r === 'syslogins' || (schema?.toLowerCase() === 'mysql' && r === 'user');
}

/** Schemas and relations of the system catalogs (PostgreSQL, MySQL, MSSQL, Oracle, DB2, SQLite, Access). */
export const SYSTEM_SCHEMAS = new Set(['information_schema', 'pg_catalog', 'mysql', 'sys', 'master', 'performance_schema', 'sysibm', 'syscat', 'sysstat']);
export const SYSTEM_RELATION = /^(pg_(user|shadow|authid|roles|tables|class|namespace|database|stat_\w+|proc|settings|group)|sysobjects|syscolumns|sysusers|sysdatabases|sysprocesses|sqlite_(master|schema|temp_master)|msysobjects|msysaccessobjects|all_(tables|tab_columns|users|objects)|user_(tables|tab_columns|objects|users)|dba_\w+|v\$\w+)$/;

/** Keywords that can start a statement: a `;` followed by one of these is a stacked query. */
export const STATEMENT_KEYWORDS = new Set([
  'select', 'insert', 'update', 'delete', 'drop', 'truncate', 'alter', 'create', 'grant', 'revoke', 'exec', 'execute',
  'declare', 'shutdown', 'waitfor', 'copy', 'call', 'merge', 'replace', 'load', 'set', 'begin', 'do', 'use', 'show',
  'rename', 'backup', 'restore', 'kill', 'handler', 'with',
]);

/** Stacked statements that change data, schema or the server: a stacked one of these is critical. */
export const DESTRUCTIVE_KEYWORDS = new Set(['drop', 'truncate', 'delete', 'update', 'alter', 'shutdown', 'exec', 'execute', 'insert', 'grant', 'create', 'declare', 'kill', 'copy']);

/** qualifiedName joins name parts lower-case: ['DBMS_LOCK', 'SLEEP'] → 'dbms_lock.sleep'. */
export function qualifiedName(parts: string[]): string {
  return parts.map((p) => p.toLowerCase()).join('.');
}

/** isSystemRelation says whether schema.relation names a system catalog. */
export function isSystemRelation(schema: string | undefined, relation: string): boolean {
  if (schema !== undefined && SYSTEM_SCHEMAS.has(schema.toLowerCase())) return true;
  return SYSTEM_RELATION.test(relation.toLowerCase());
}

/** Functions that cut a value into characters or measure it, as boolean-blind extraction does. */
export const PROBING_FUNCTIONS = new Set(['ascii', 'ord', 'unicode', 'substring', 'substr', 'mid', 'left', 'right', 'length', 'char_length', 'len', 'hex', 'bin']);

/** Columns that hold credentials: appended through a UNION to a query about something else, they are the dump. */
export const CREDENTIAL_COLUMN_RE = /^(?:pass(?:word|wd)?s?|pwd|(?:hashed_?|user_?|db_?)?pass(?:word|wd)?(?:_?hash)?|pass_?hash|secret|api_?key|auth_?token|credentials?)$/i;
