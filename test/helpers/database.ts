import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

let copy: Promise<string> | undefined;

/**
 * testDatabaseUrl returns this test file's own database: a copy of the run's migrated template,
 * made on first use. Files run in parallel and each is a separate deployment (its own signing key,
 * task queue, sequencer, dispatcher); sharing one database would let one file's background jobs act
 * on another's rows.
 */
export function testDatabaseUrl(): Promise<string> {
  copy ??= (async () => {
    const template = new URL(inject('databaseUrl'));
    const templateName = template.pathname.slice(1);
    const name = `${templateName}_${randomBytes(4).toString('hex')}`;
    const server = new URL(template);
    server.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
    try {
      // CREATE DATABASE … TEMPLATE needs the template idle; parallel files take turns.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`create database ${name} template ${templateName}`);
          break;
        } catch (err) {
          if (attempt > 50 || !/being accessed by other users/.test((err as Error).message)) throw err;
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        }
      }
    } finally {
      await admin.end();
    }
    const url = new URL(template);
    url.pathname = `/${name}`;
    return url.toString();
  })();
  return copy;
}
