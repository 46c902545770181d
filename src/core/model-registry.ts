/**
 * Model versions port: which trained artifacts exist, how each measured,
 * which one serves and who promoted it. The artifacts themselves stay on
 * disk (nlu/model-store.ts); this is their record.
 */

/** What a model classifies: a message's intent, or (派单) the department that must handle it. */
export type ModelKind = 'intent' | 'department';

/** candidate: trained, not yet decided · active: serving · retired: served before · rejected: refused by the gate. */
export type ModelStatus = 'candidate' | 'active' | 'retired' | 'rejected';

/** What a version measured when it was recorded (null: not measured). */
export interface ModelMetrics {
  /** Accuracy on the held-out split, None threshold applied. */
  heldoutAccuracy: number | null;
  heldoutLines: number;
  /** Accuracy on the regression set (reviewed items held out). */
  regressionAccuracy: number | null;
  regressionLines: number;
}

export interface ModelVersionRecord {
  version: string;
  /** Epoch ms. */
  createdAt: number;
  corpusHash: string;
  metrics: ModelMetrics;
  status: ModelStatus;
  promotedAt: number | null;
  promotedBy: string | null;
  /** Why it was promoted although the gate refused it, or "rollback". */
  forceReason: string | null;
}

export type NewModelVersion = Pick<ModelVersionRecord, 'version' | 'createdAt' | 'corpusHash' | 'metrics'>;

export interface Promotion {
  /** Who promoted (null when found active on disk, e.g. trained on first start). */
  by: string | null;
  /** Epoch ms. */
  at: number;
  /** Set when the gate was overridden (--force) or for a rollback. */
  reason: string | null;
}

export interface ModelRegistry {
  /** Records a version once (a version already recorded is left as it is). */
  record(entry: NewModelVersion, status?: Exclude<ModelStatus, 'active'>): Promise<void>;
  /**
   * Makes a recorded version the active one; the previous active one
   * retires. `activate` (switching the CURRENT pointer) runs inside the same
   * transaction, so if it throws nothing is recorded.
   */
  promote(version: string, promotion: Promotion, activate: () => void): Promise<void>;
  /** Marks a candidate refused by the gate (only a candidate changes). */
  reject(version: string): Promise<void>;
  find(version: string): Promise<ModelVersionRecord | null>;
  /** Newest first. */
  list(): Promise<ModelVersionRecord[]>;
  active(): Promise<ModelVersionRecord | null>;
}
