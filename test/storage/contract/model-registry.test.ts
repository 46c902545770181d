/** Model registry contract, on SQLite and PostgreSQL. */
import { expect, it } from 'vitest';
import type { ModelMetrics } from '../../../src/core/model-registry.js';
import { describeStores } from './stores.js';

const metrics: ModelMetrics = { heldoutAccuracy: 0.955, heldoutLines: 846, regressionAccuracy: 0.9, regressionLines: 20 };
const entry = (version: string, createdAt: number) => ({ version, createdAt, corpusHash: `hash-${version}`, metrics });

describeStores('the model registry', (s) => {
  const registry = () => s.storage.modelRegistry;

  it('records a version once, as a candidate, with its metrics', async () => {
    const r = registry();
    await r.record(entry('v1', 1000));
    await r.record({ ...entry('v1', 2000), metrics: { ...metrics, heldoutAccuracy: 0 } });
    expect(await r.find('v1')).toEqual({
      version: 'v1',
      createdAt: 1000,
      corpusHash: 'hash-v1',
      metrics,
      status: 'candidate',
      promotedAt: null,
      promotedBy: null,
      forceReason: null,
    });
  });

  it('lists versions newest first', async () => {
    const r = registry();
    await r.record(entry('v1', 1000));
    await r.record(entry('v3', 3000), 'retired');
    await r.record(entry('v2', 2000));
    expect((await r.list()).map((v) => [v.version, v.status])).toEqual([
      ['v3', 'retired'],
      ['v2', 'candidate'],
      ['v1', 'candidate'],
    ]);
  });

  it('promotes a version: the previous active one retires, who, when and why are recorded', async () => {
    const r = registry();
    await r.record(entry('v1', 1000));
    await r.record(entry('v2', 2000));
    await r.promote('v1', { by: 'li', at: 1500, reason: null }, () => {});
    await r.promote('v2', { by: 'wang', at: 2500, reason: 'new intent has no test lines yet' }, () => {});
    expect(await r.active()).toMatchObject({
      version: 'v2',
      status: 'active',
      promotedBy: 'wang',
      promotedAt: 2500,
      forceReason: 'new intent has no test lines yet',
    });
    expect(await r.find('v1')).toMatchObject({ status: 'retired', promotedBy: 'li', promotedAt: 1500 });
  });

  it('records nothing when switching the CURRENT pointer fails', async () => {
    const r = registry();
    await r.record(entry('v1', 1000));
    await r.record(entry('v2', 2000));
    await r.promote('v1', { by: 'li', at: 1500, reason: null }, () => {});
    await expect(
      r.promote('v2', { by: 'wang', at: 2500, reason: null }, () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect((await r.active())?.version).toBe('v1');
    expect((await r.find('v2'))?.status).toBe('candidate');
  });

  it('rejects only a candidate', async () => {
    const r = registry();
    await r.record(entry('v1', 1000));
    await r.record(entry('v2', 2000));
    await r.promote('v1', { by: 'li', at: 1500, reason: null }, () => {});
    await r.reject('v1');
    await r.reject('v2');
    expect((await r.find('v1'))?.status).toBe('active');
    expect((await r.find('v2'))?.status).toBe('rejected');
  });

  it('refuses to promote a version it has not recorded', async () => {
    await expect(registry().promote('nope', { by: 'li', at: 1, reason: null }, () => {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('leaves exactly one version active when promotions race', async () => {
    const r = registry();
    for (const v of ['v1', 'v2', 'v3']) await r.record(entry(v, 1000));
    await Promise.all(['v1', 'v2', 'v3'].map((v, i) => r.promote(v, { by: 'li', at: 2000 + i, reason: null }, () => {})));
    expect((await r.list()).filter((v) => v.status === 'active')).toHaveLength(1);
  });

  it('keeps one active version per model kind: promoting a dispatch model leaves the intent model active', async () => {
    const intents = s.storage.modelRegistry;
    const dispatch = s.storage.dispatchModelRegistry;
    await intents.record(entry('i1', 1000));
    await dispatch.record(entry('d1', 1100));
    await dispatch.record(entry('d2', 1200));
    await intents.promote('i1', { by: 'li', at: 1500, reason: null }, () => {});
    await dispatch.promote('d1', { by: 'li', at: 1600, reason: null }, () => {});
    await dispatch.promote('d2', { by: 'wang', at: 1700, reason: null }, () => {});
    expect((await intents.active())?.version).toBe('i1');
    expect((await dispatch.active())?.version).toBe('d2');
    expect((await dispatch.find('d1'))?.status).toBe('retired');
    expect((await intents.list()).map((r) => r.version)).toEqual(['i1']);
    expect(await intents.find('d2')).toBeNull();
    await expect(intents.promote('d2', { by: 'li', at: 1800, reason: null }, () => {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
