import pg from 'pg';
import type { Logger } from '../log.js';

type Handler = (payload: string) => void;

/**
 * PgListener holds one dedicated connection LISTENing on the gateway's channels and fans
 * notifications out to handlers. While it is disconnected, `connected` is false and every
 * `onDisconnect` handler has run, so caches that rely on notifications stop trusting themselves.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, Handler[]>();
  private readonly disconnectHandlers: Array<() => void> = [];
  private stopped = false;
  private retryMs = 100;
  private timer: NodeJS.Timeout | undefined;
  connected = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  /** on registers a handler for a channel (LISTENing at once if already connected). */
  on(channel: string, handler: Handler): void {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
    const known = this.handlers.has(channel);
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    if (!known && this.client) {
      this.client.query(`listen ${channel}`).catch((err: Error) => this.log.warn({ err: err.message, channel }, 'LISTEN failed'));
    }
  }

  onDisconnect(handler: () => void): void {
    this.disconnectHandlers.push(handler);
  }

  /** start connects and LISTENs; it resolves once listening (or rejects on the first failure). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'aegis-listener' });
    client.on('notification', (msg) => {
      for (const h of this.handlers.get(msg.channel) ?? []) {
        try {
          h(msg.payload ?? '');
        } catch (err) {
          this.log.error({ err, channel: msg.channel }, 'notification handler failed');
        }
      }
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`listen ${channel}`);
    this.client = client;
    this.connected = true;
    this.retryMs = 100;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    for (const h of this.disconnectHandlers) h();
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.log.warn({ err: err?.message }, 'lost the PostgreSQL LISTEN connection; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.timer = setTimeout(() => {
      this.connect().catch((err: Error) => {
        this.log.warn({ err: err.message, retry_ms: this.retryMs }, 'LISTEN reconnect failed');
        this.retryMs = Math.min(this.retryMs * 2, 5_000);
        if (!this.stopped) this.scheduleReconnect();
      });
    }, this.retryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }
}
