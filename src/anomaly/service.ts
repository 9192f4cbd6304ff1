import type { Db } from '../db/knex.js';
import type { Logger } from '../log.js';
import { OrgAnomalyModel, type AnomalyAssessment, type ObservedCall } from './model.js';

const PERSIST_EVERY_MS = 30_000;

/**
 * AnomalyService keeps each org's behaviour model in memory — loaded from its last snapshot on the
 * org's first check in this process, saved every 30 s when it changed and at shutdown — so scoring
 * a check costs no database round trip. Replicas each learn from the checks they see; the snapshot
 * a restart resumes from is the last one written.
 */
export class AnomalyService {
  private readonly models = new Map<string, Promise<OrgAnomalyModel>>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.persist(), PERSIST_EVERY_MS);
    this.timer.unref();
  }

  private model(orgId: string): Promise<OrgAnomalyModel> {
    let m = this.models.get(orgId);
    if (!m) {
      m = this.load(orgId);
      this.models.set(orgId, m);
      m.catch(() => this.models.delete(orgId));
    }
    return m;
  }

  private async load(orgId: string): Promise<OrgAnomalyModel> {
    const row = (await this.db('anomaly_models').select('state').where({ org_id: orgId }).first()) as { state: unknown } | undefined;
    if (!row) return new OrgAnomalyModel();
    try {
      return OrgAnomalyModel.fromJSON(row.state);
    } catch (err) {
      this.log.error({ org_id: orgId, err: (err as Error).message }, 'the stored anomaly model is unreadable; starting a fresh one');
      return new OrgAnomalyModel();
    }
  }

  /** assess scores a call against its agent's history, then learns it. */
  async assess(orgId: string, call: ObservedCall): Promise<AnomalyAssessment> {
    const model = await this.model(orgId);
    this.dirty.add(orgId);
    return model.assess(call);
  }

  /** persist writes the snapshots of the orgs whose models changed. */
  persist(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const orgs = [...this.dirty];
      this.dirty.clear();
      for (const orgId of orgs) {
        const model = await this.models.get(orgId);
        if (!model) continue;
        try {
          await this.db.raw(
            `insert into anomaly_models (org_id, state, updated_at) values (?, ?::jsonb, now())
             on conflict (org_id) do update set state = excluded.state, updated_at = now()`,
            [orgId, JSON.stringify(model.toJSON())],
          );
        } catch (err) {
          this.dirty.add(orgId);
          this.log.warn({ org_id: orgId, err: (err as Error).message }, 'could not save the anomaly model');
        }
      }
    });
    return this.saving;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.persist();
  }
}
