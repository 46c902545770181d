/**
 * The model artifact: a self-contained directory that serving loads without
 * the training inputs.
 *
 *   manifest.json     version, corpus hash, library versions, threshold, metrics
 *   classifier.json   the NLP.js neural model
 *   user-dict.txt     government terms the segmenter must know
 *   corrections.tsv   spelling corrections applied before segmentation
 *   aspects.json      the aspect classifier and aspect words (follow-up questions;
 *                     optional: artifacts made before them load without)
 *
 * It is written to a temporary sibling and renamed into place, so a reader
 * never sees half an artifact.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { AppError } from '../core/errors.js';
import { AspectModel, type AspectModelJson } from './aspect-model.js';
import { parseCorrections } from './corrections.js';
import { featureSteps } from './features.js';
import { createJiebaSegmenter, parseTerms } from './jieba-segmenter.js';
import { createTextPipeline, type ModelManifest, NluModel } from './model.js';
import { loadNlpjsClassifier } from './nlpjs-classifier.js';

const FILES = ['manifest.json', 'classifier.json', 'user-dict.txt', 'corrections.tsv'] as const;

/** Where an artifact is written before it is renamed into place: never a version (ModelStore.versions). */
export const ARTIFACT_TMP = /\.tmp-\d+$/;

export function saveArtifact(model: NluModel, dir: string): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'classifier.json'), JSON.stringify(model.classifier.toJSON()));
  writeFileSync(path.join(tmp, 'user-dict.txt'), `${model.terms.join('\n')}\n`);
  writeFileSync(path.join(tmp, 'corrections.tsv'), `# wrong<TAB>right\n${model.corrections.map(([w, r]) => `${w}\t${r}`).join('\n')}\n`);
  if (model.aspects) writeFileSync(path.join(tmp, 'aspects.json'), JSON.stringify(model.aspects.toJSON()));
  // The manifest last: a directory with one is a whole artifact, even to a reader that sees the temporary one.
  writeFileSync(path.join(tmp, 'manifest.json'), `${JSON.stringify(model.manifest, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

export function loadArtifact(dir: string): NluModel {
  checkFiles(dir);
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return guarded(dir, () => {
    const files = {
      manifest: read('manifest.json'),
      classifier: read('classifier.json'),
      terms: read('user-dict.txt'),
      corrections: read('corrections.tsv'),
      aspects: existsSync(path.join(dir, 'aspects.json')) ? read('aspects.json') : null,
    };
    return assemble(dir, files, JSON.parse(files.classifier));
  });
}

/**
 * The same, for a server that is serving meanwhile (hot swap): files are
 * read off the main thread and the two long synchronous steps (parsing the
 * classifier JSON, building the network: ~0.1–0.2 s each for the shipped
 * model) run in separate turns of the event loop, so a message arriving
 * during the load waits for one step at most, not for the whole load.
 */
export async function loadArtifactAsync(dir: string): Promise<NluModel> {
  checkFiles(dir);
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  const [manifest, classifier, terms, corrections] = await Promise.all([
    read('manifest.json'),
    read('classifier.json'),
    read('user-dict.txt'),
    read('corrections.tsv'),
  ]).catch((e: Error) => {
    throw invalid(dir, e);
  });
  const aspects = existsSync(path.join(dir, 'aspects.json'))
    ? await read('aspects.json').catch((e: Error) => {
        throw invalid(dir, e);
      })
    : null;
  const files = { manifest, classifier, terms, corrections, aspects };
  await setImmediate();
  const json: unknown = guarded(dir, () => JSON.parse(files.classifier));
  await setImmediate();
  return guarded(dir, () => assemble(dir, files, json));
}

interface ArtifactFiles {
  manifest: string;
  classifier: string;
  terms: string;
  corrections: string;
  aspects: string | null;
}

function checkFiles(dir: string): void {
  for (const f of FILES) {
    if (!existsSync(path.join(dir, f))) throw new AppError('MODEL_INVALID', `${dir}: missing ${f}`);
  }
}

const invalid = (dir: string, e: unknown): AppError =>
  e instanceof AppError ? e : new AppError('MODEL_INVALID', `${dir}: ${(e as Error).message}`);

function guarded<T>(dir: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    throw invalid(dir, e);
  }
}

function assemble(dir: string, files: ArtifactFiles, classifierJson: unknown): NluModel {
  const manifest = JSON.parse(files.manifest) as ModelManifest;
  if (manifest.format !== 1) throw new Error(`unsupported artifact format ${String(manifest.format)}`);
  const terms = parseTerms(files.terms);
  const corrections = parseCorrections(files.corrections, `${dir}/corrections.tsv`);
  const segmenter = createJiebaSegmenter(terms);
  const text = createTextPipeline(segmenter, corrections, manifest.features);
  const steps = featureSteps((t) => segmenter.segment(t), manifest.features);
  const classifier = loadNlpjsClassifier(classifierJson, steps);
  let aspects: AspectModel | null = null;
  if (files.aspects !== null) {
    const json = JSON.parse(files.aspects) as AspectModelJson;
    aspects = new AspectModel(loadNlpjsClassifier(json.classifier, steps), json.threshold, json.aspectWords);
  }
  return new NluModel(manifest, classifier, text, terms, corrections, aspects);
}
