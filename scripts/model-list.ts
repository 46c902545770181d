/**
 * npm run model:list [-- --model intent|dispatch]
 *
 * Every model version: created, status, accuracy (held-out split and
 * regression set, as measured when recorded), who promoted it and when, the
 * reason if it was forced or a rollback. ACTIVE marks the one the CURRENT
 * pointer names. Models on disk the registry has not seen are recorded first.
 */
import { parseArgs } from 'node:util';
import { cliConfig, pct, runCli } from '../src/cli/common.js';
import { type ModelName, modelTarget } from '../src/cli/model-targets.js';
import { wallClock } from '../src/core/clock.js';
import { AppError } from '../src/core/errors.js';
import type { ModelVersionRecord } from '../src/core/model-registry.js';
import { registerDiskVersions } from '../src/nlu/model-versions.js';
import { openStorage } from '../src/storage/open-storage.js';

const when = (ms: number | null) => {
  if (ms === null || ms === 0) return '—';
  const c = wallClock(new Date(ms));
  return `${c.date} ${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
};

runCli(async () => {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'intent' } } });
  if (values.model !== 'intent' && values.model !== 'dispatch') throw new AppError('BAD_REQUEST', '--model must be intent or dispatch');
  const config = cliConfig();
  const storage = await openStorage(config);
  try {
    const { store, registry } = modelTarget(values.model as ModelName, config, storage);
    await registerDiskVersions(registry, store);
    const current = store.currentVersion();
    const onDisk = new Set(store.versions());
    const rows = await registry.list();
    if (rows.length === 0) {
      console.log(`no models yet in ${store.dir}; npm run retrain trains one`);
      return 0;
    }
    const columns: Array<[string, number, (r: ModelVersionRecord) => string]> = [
      ['', 6, (r) => (r.version === current ? 'ACTIVE' : '')],
      ['version', 26, (r) => r.version],
      ['created', 16, (r) => when(r.createdAt)],
      ['status', 9, (r) => (onDisk.has(r.version) ? r.status : `${r.status}!`)],
      ['held-out', 8, (r) => pct(r.metrics.heldoutAccuracy)],
      ['regress.', 8, (r) => pct(r.metrics.regressionAccuracy)],
      ['promoted', 16, (r) => when(r.promotedAt)],
      ['by', 10, (r) => r.promotedBy ?? '—'],
      ['reason', 0, (r) => r.forceReason ?? ''],
    ];
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(columns[i]?.[1] ?? 0))
        .join('  ')
        .trimEnd();
    console.log(line(columns.map(([title]) => title)));
    for (const r of rows) console.log(line(columns.map(([, , cell]) => cell(r))));
    if (rows.some((r) => !onDisk.has(r.version))) console.log(`\n! the artifact is no longer in ${store.dir}`);
    console.log('\ntimes are Shanghai time; accuracy as measured when the version was recorded (None threshold applied)');
    return 0;
  } finally {
    await storage.close();
  }
});
