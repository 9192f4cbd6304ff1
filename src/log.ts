import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino censors wherever they appear in a log record. The request logger never records headers
 * or bodies, so these are a second line of defence against a careless `log.info({ ... })`.
 */
const REDACT = [
  'key',
  'token',
  'secret',
  'password',
  'authorization',
  '*.key',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
  'headers["x-aegis-api-key"]',
  'headers["x-aegis-agent-token"]',
  '*.headers["x-aegis-api-key"]',
  '*.headers["x-aegis-agent-token"]',
  '*.headers.authorization',
];

/**
 * createLogger returns the process's structured JSON logger: stdout by default, written
 * asynchronously so the hot path does not wait on the terminal or a log shipper.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'aegis' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ sync: false, minLength: 4096 }),
  );
}
