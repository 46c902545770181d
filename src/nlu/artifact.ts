/**
 * The model artifact: a self-contained directory that serving loads without
 * the training inputs.
 *
 *   manifest.json     version, corpus hash, library versions, threshold, metrics
 *   classifier.json   the NLP.js neural model
 *   user-dict.txt     government terms the segmenter must know
 *   corrections.tsv   spelling corrections applied before segmentation
 *
 * It is written to a temporary sibling and renamed into place, so a reader
 * never sees half an artifact.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../core/errors.js';
import { parseCorrections } from './corrections.js';
import { featureSteps } from './features.js';
import { createJiebaSegmenter, parseTerms } from './jieba-segmenter.js';
import { createTextPipeline, type ModelManifest, NluModel } from './model.js';
import { loadNlpjsClassifier } from './nlpjs-classifier.js';

const FILES = ['manifest.json', 'classifier.json', 'user-dict.txt', 'corrections.tsv'] as const;

export function saveArtifact(model: NluModel, dir: string): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'manifest.json'), `${JSON.stringify(model.manifest, null, 2)}\n`);
  writeFileSync(path.join(tmp, 'classifier.json'), JSON.stringify(model.classifier.toJSON()));
  writeFileSync(path.join(tmp, 'user-dict.txt'), `${model.terms.join('\n')}\n`);
  writeFileSync(path.join(tmp, 'corrections.tsv'), `# wrong<TAB>right\n${model.corrections.map(([w, r]) => `${w}\t${r}`).join('\n')}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

export function loadArtifact(dir: string): NluModel {
  for (const f of FILES) {
    if (!existsSync(path.join(dir, f))) throw new AppError('MODEL_INVALID', `${dir}: missing ${f}`);
  }
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    if (manifest.format !== 1) throw new Error(`unsupported artifact format ${String(manifest.format)}`);
    const terms = parseTerms(readFileSync(path.join(dir, 'user-dict.txt'), 'utf8'));
    const corrections = parseCorrections(readFileSync(path.join(dir, 'corrections.tsv'), 'utf8'), `${dir}/corrections.tsv`);
    const segmenter = createJiebaSegmenter(terms);
    const text = createTextPipeline(segmenter, corrections, manifest.features);
    const classifier = loadNlpjsClassifier(
      JSON.parse(readFileSync(path.join(dir, 'classifier.json'), 'utf8')),
      featureSteps((t) => segmenter.segment(t), manifest.features),
    );
    return new NluModel(manifest, classifier, text, terms, corrections);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('MODEL_INVALID', `${dir}: ${(e as Error).message}`);
  }
}
