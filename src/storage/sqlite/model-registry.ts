/**
 * SQLite implementation of the model registry (table model_versions,
 * migration 3). Statements are prepared once; a promotion and the switch of
 * the CURRENT pointer commit together. One registry serves one model kind
 * (intent or department): each kind has its own active version.
 */
import { AppError } from '../../core/errors.js';
import type { ModelKind, ModelRegistry, ModelStatus, ModelVersionRecord, NewModelVersion, Promotion } from '../../core/model-registry.js';
import { type Row, modelVersionFromRow as toRecord } from '../rows.js';
import type { Db } from './sqlite.js';

export class SqliteModelRegistry implements ModelRegistry {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly kind: ModelKind = 'intent',
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO model_versions (version, created_at, corpus_hash, metrics, status, kind) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (version) DO NOTHING`,
      ),
      find: db.prepare('SELECT * FROM model_versions WHERE version = ? AND kind = ?'),
      list: db.prepare('SELECT * FROM model_versions WHERE kind = ? ORDER BY created_at DESC, version DESC'),
      active: db.prepare("SELECT * FROM model_versions WHERE status = 'active' AND kind = ? ORDER BY promoted_at DESC LIMIT 1"),
      retireActive: db.prepare("UPDATE model_versions SET status = 'retired' WHERE status = 'active' AND kind = ? AND version <> ?"),
      promote: db.prepare(
        "UPDATE model_versions SET status = 'active', promoted_at = ?, promoted_by = ?, force_reason = ? WHERE version = ? AND kind = ?",
      ),
      reject: db.prepare("UPDATE model_versions SET status = 'rejected' WHERE version = ? AND kind = ? AND status = 'candidate'"),
    };
  }

  async record(entry: NewModelVersion, status: Exclude<ModelStatus, 'active'> = 'candidate'): Promise<void> {
    this.s.insert.run(entry.version, entry.createdAt, entry.corpusHash, JSON.stringify(entry.metrics), status, this.kind);
  }

  async promote(version: string, p: Promotion, activate: () => void): Promise<void> {
    this.db.transaction(() => {
      if (!this.s.find.get(version, this.kind)) throw new AppError('NOT_FOUND', `${this.kind} model version ${version} is not recorded`);
      this.s.retireActive.run(this.kind, version);
      this.s.promote.run(p.at, p.by, p.reason, version, this.kind);
      activate();
    })();
  }

  async reject(version: string): Promise<void> {
    this.s.reject.run(version, this.kind);
  }

  async find(version: string): Promise<ModelVersionRecord | null> {
    const row = this.s.find.get(version, this.kind) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  async list(): Promise<ModelVersionRecord[]> {
    return (this.s.list.all(this.kind) as Row[]).map(toRecord);
  }

  async active(): Promise<ModelVersionRecord | null> {
    const row = this.s.active.get(this.kind) as Row | undefined;
    return row ? toRecord(row) : null;
  }
}
