/**
 * Promotion and rollback: a version becomes active when its registry row
 * and the CURRENT pointer change together. Artifacts the registry has not
 * seen (trained on first start or by `npm run train`, which only move the
 * pointer) are recorded on the way, so every model on disk can be listed
 * and rolled back to.
 */
import { AppError } from '../core/errors.js';
import type { ModelMetrics, ModelRegistry, ModelVersionRecord, Promotion } from '../core/model-registry.js';
import { loadArtifact } from './artifact.js';
import type { ModelManifest } from './model.js';
import type { ModelStore } from './model-store.js';

/** Metrics a manifest recorded at training time (held-out split only). */
export function manifestMetrics(manifest: ModelManifest): ModelMetrics {
  return {
    heldoutAccuracy: manifest.metrics?.accuracy ?? null,
    heldoutLines: manifest.metrics?.n ?? 0,
    regressionAccuracy: null,
    regressionLines: 0,
  };
}

/**
 * Records every artifact on disk that the registry lacks, and marks the
 * version CURRENT names as active if the registry thinks otherwise. Those
 * artifacts were made current when trained, so one that is no longer current
 * is recorded as retired.
 */
export async function registerDiskVersions(registry: ModelRegistry, store: ModelStore): Promise<void> {
  const current = store.currentVersion();
  for (const version of store.versions()) {
    if (await registry.find(version)) continue;
    let manifest: ModelManifest;
    try {
      manifest = store.manifest(version);
    } catch {
      continue; // an unreadable manifest is not a version anyone can serve
    }
    const createdAt = Date.parse(manifest.createdAt);
    await registry.record(
      {
        version,
        createdAt: Number.isNaN(createdAt) ? 0 : createdAt,
        corpusHash: manifest.corpusHash ?? '',
        metrics: manifestMetrics(manifest),
      },
      version === current ? 'candidate' : 'retired',
    );
  }
  if (current && (await registry.find(current))?.status !== 'active') {
    await registry.promote(current, { by: null, at: store.activatedAt() ?? Date.now(), reason: null }, () => {});
  }
}

/** Makes a recorded version active: registry row and CURRENT pointer in one transaction. */
export async function promoteVersion(registry: ModelRegistry, store: ModelStore, version: string, promotion: Promotion): Promise<void> {
  await registry.promote(version, promotion, () => store.activate(version));
}

export const ROLLBACK_REASON = 'rollback';

/**
 * Goes back to a version that served before. The artifact is loaded first,
 * so a damaged one is refused here rather than by every running server.
 */
export async function rollbackTo(
  registry: ModelRegistry,
  store: ModelStore,
  version: string,
  by: string,
  now = Date.now(),
): Promise<{ from: string | null; to: ModelVersionRecord }> {
  await registerDiskVersions(registry, store);
  const row = await registry.find(version);
  if (!row) throw new AppError('NOT_FOUND', `no model version ${version} (npm run model:list shows them)`);
  const from = store.currentVersion();
  if (row.status === 'active') throw new AppError('BAD_REQUEST', `${version} is already the active model`);
  if (row.status !== 'retired') {
    throw new AppError('BAD_REQUEST', `${version} never served (status ${row.status}); a rollback returns to a version that did`);
  }
  loadArtifact(store.pathOf(version));
  await promoteVersion(registry, store, version, { by, at: now, reason: ROLLBACK_REASON });
  return { from, to: (await registry.find(version)) as ModelVersionRecord };
}
