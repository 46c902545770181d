/**
 * Trains the shipped corpus once per test run (one job, no calibration, the
 * activation threshold the calibrated model settles on) and caches the
 * artifact by corpus and NLU source, so local reruns start at once.
 * Conversation tests load it: they exercise the real model, not a toy.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { departmentKind } from '../src/dispatch/department-kind.js';
import { loadDepartments } from '../src/dispatch/departments.js';
import { saveArtifact } from '../src/nlu/artifact.js';
import { loadCorpus, trainingSet } from '../src/nlu/corpus.js';
import { trainModel } from '../src/nlu/train.js';

function sourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const f of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, f.name);
      if (f.isDirectory()) walk(p);
      else if (f.name.endsWith('.ts')) h.update(p).update(readFileSync(p));
    }
  };
  walk('src/nlu');
  return h.digest('hex').slice(0, 16);
}

export default async function setup(project: TestProject): Promise<void> {
  const corpus = loadCorpus('corpus');
  const dir = path.resolve('node_modules/.cache/wenzheng-test-model', `${corpus.hash.slice(0, 16)}-${sourceHash()}`);
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    const { model } = await trainModel({
      train: trainingSet(corpus),
      terms: corpus.terms,
      corrections: corpus.corrections,
      corpusHash: corpus.hash,
      aspects: corpus.aspects,
      folds: 0,
      threshold: 0.25,
      thresholdOn: 'activation',
    });
    saveArtifact(model, dir);
  }
  project.provide('shippedModelDir', dir);
  project.provide('dispatchModelDir', await dispatchModel());
}

/** The dispatch model of the shipped department corpus, trained as npm start would, cached the same way. */
async function dispatchModel(): Promise<string> {
  const departments = loadDepartments('intents/data/departments.yaml');
  const kind = departmentKind(departments, 0.5);
  const corpus = kind.loadCorpus('corpus');
  const listHash = createHash('sha256').update(readFileSync('intents/data/departments.yaml')).digest('hex').slice(0, 8);
  const dir = path.resolve('node_modules/.cache/wenzheng-test-dispatch-model', `${corpus.hash.slice(0, 16)}-${listHash}-${sourceHash()}`);
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    const { model } = await trainModel({
      kind: kind.kind,
      ...kind.training,
      train: trainingSet(corpus),
      terms: corpus.terms,
      corrections: corpus.corrections,
      corpusHash: corpus.hash,
    });
    saveArtifact(model, dir);
  }
  return dir;
}

declare module 'vitest' {
  export interface ProvidedContext {
    shippedModelDir: string;
    dispatchModelDir: string;
  }
}
