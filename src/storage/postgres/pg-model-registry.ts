/**
 * PostgreSQL implementation of the model registry, as SqliteModelRegistry:
 * a promotion and the switch of the CURRENT pointer commit together. The
 * table lock makes concurrent promotions (two instances, or the console
 * and `npm run retrain`) take turns, so exactly one version is active.
 */
import { AppError } from '../../core/errors.js';
import type { ModelKind, ModelRegistry, ModelStatus, ModelVersionRecord, NewModelVersion, Promotion } from '../../core/model-registry.js';
import { modelVersionFromRow } from '../rows.js';
import { type PgDatabase, sql } from './pg-database.js';

const Q = {
  insert: sql(
    'mr_insert',
    `INSERT INTO model_versions (version, created_at, corpus_hash, metrics, status, kind) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (version) DO NOTHING`,
  ),
  find: sql('mr_find', 'SELECT * FROM model_versions WHERE version = $1 AND kind = $2'),
  list: sql('mr_list', 'SELECT * FROM model_versions WHERE kind = $1 ORDER BY created_at DESC, version DESC'),
  active: sql('mr_active', "SELECT * FROM model_versions WHERE status = 'active' AND kind = $1 ORDER BY promoted_at DESC LIMIT 1"),
  retireActive: sql('mr_retire', "UPDATE model_versions SET status = 'retired' WHERE status = 'active' AND kind = $1 AND version <> $2"),
  promote: sql(
    'mr_promote',
    "UPDATE model_versions SET status = 'active', promoted_at = $1, promoted_by = $2, force_reason = $3 WHERE version = $4 AND kind = $5",
  ),
  reject: sql('mr_reject', "UPDATE model_versions SET status = 'rejected' WHERE version = $1 AND kind = $2 AND status = 'candidate'"),
};

/** One registry per model kind (intent or department), each with its own active version. */
export class PgModelRegistry implements ModelRegistry {
  constructor(
    private readonly db: PgDatabase,
    private readonly kind: ModelKind = 'intent',
  ) {}

  async record(entry: NewModelVersion, status: Exclude<ModelStatus, 'active'> = 'candidate'): Promise<void> {
    await this.db.run(Q.insert, [entry.version, entry.createdAt, entry.corpusHash, JSON.stringify(entry.metrics), status, this.kind]);
  }

  async promote(version: string, p: Promotion, activate: () => void): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Readers (ACCESS SHARE) pass; another promotion waits for this one's COMMIT.
      await tx.run('LOCK TABLE model_versions IN EXCLUSIVE MODE');
      if ((await tx.run(Q.find, [version, this.kind])).rowCount === 0) {
        throw new AppError('NOT_FOUND', `${this.kind} model version ${version} is not recorded`);
      }
      await tx.run(Q.retireActive, [this.kind, version]);
      await tx.run(Q.promote, [p.at, p.by, p.reason, version, this.kind]);
      activate();
    });
  }

  async reject(version: string): Promise<void> {
    await this.db.run(Q.reject, [version, this.kind]);
  }

  async find(version: string): Promise<ModelVersionRecord | null> {
    const row = (await this.db.run(Q.find, [version, this.kind])).rows[0];
    return row ? modelVersionFromRow(row) : null;
  }

  async list(): Promise<ModelVersionRecord[]> {
    return (await this.db.run(Q.list, [this.kind])).rows.map(modelVersionFromRow);
  }

  async active(): Promise<ModelVersionRecord | null> {
    const row = (await this.db.run(Q.active, [this.kind])).rows[0];
    return row ? modelVersionFromRow(row) : null;
  }
}
