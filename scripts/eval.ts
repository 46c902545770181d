/**
 * npm run eval [-- --model DIR] [--data FILE.jsonl] [--json] [--min-accuracy X] [--misses]
 *
 * Evaluates a model (default: the current one in DATA_DIR) on the held-out
 * split or any JSONL file of {"text", "intent"|"label"} lines (None marks
 * out-of-scope). --min-accuracy exits non-zero below X (0..1 or a percentage).
 * A file of multi-turn conversations ({"id", "kind", "turns": [...]} lines)
 * runs through the dialogue engine instead and reports follow-up accuracy
 * (src/dialogue/multi-turn-eval.ts); --misses lists the turns it got wrong;
 * --aspect-baseline reads aspects with keywords instead of the classifier.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { keywordAspect } from '../src/dialogue/aspect-keywords.js';
import { loadBehaviour } from '../src/dialogue/definitions.js';
import { DialogueEngine } from '../src/dialogue/engine.js';
import { evaluateMultiTurn, formatMultiTurnReport, readMultiTurnFile } from '../src/dialogue/multi-turn-eval.js';
import { loadArtifact } from '../src/nlu/artifact.js';
import { isMultiTurnSource, loadCorpus, readLabelledFile } from '../src/nlu/corpus.js';
import { evaluateModel } from '../src/nlu/evaluate.js';
import type { NluModel } from '../src/nlu/model.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { formatReport } from '../src/nlu/report-format.js';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      'min-accuracy': { type: 'string' },
      misses: { type: 'boolean', default: false },
      'aspect-baseline': { type: 'boolean', default: false },
    },
  });
  const config = cliConfig();
  let model: NluModel | null;
  if (values.model) model = loadArtifact(path.resolve(values.model));
  else {
    model = new ModelStore(config.modelsDir).loadCurrent();
    if (!model) throw new AppError('MODEL_INVALID', `no current model in ${config.modelsDir}; run npm run train first or pass --model DIR`);
  }
  if (values.data && /\.jsonl$/i.test(values.data) && isMultiTurnSource(readFileSync(values.data, 'utf8'))) {
    const current = model;
    const engine = new DialogueEngine(loadBehaviour(config.INTENTS_DIR));
    // --aspect-baseline: hand-written keywords instead of the aspect classifier, for comparison.
    const baseline = values['aspect-baseline'];
    const parse = (t: string, now: Date) => {
      const p = current.parse(t, now);
      return baseline ? { ...p, aspect: keywordAspect(p.normalised) } : p;
    };
    const report = evaluateMultiTurn(parse, engine, readMultiTurnFile(values.data));
    if (values.json) console.log(JSON.stringify({ model: model.version, ...report, misses: values.misses ? report.misses : undefined }));
    else console.log(`model ${model.version} on ${values.data}\n\n${formatMultiTurnReport(report, { misses: values.misses })}`);
    return 0;
  }
  const rows = values.data ? readLabelledFile(values.data) : loadCorpus(config.CORPUS_DIR).test;
  if (rows.length === 0) throw new AppError('DATA_INVALID', 'no lines to evaluate');
  const report = evaluateModel(model, rows);
  if (values.json) console.log(JSON.stringify({ model: model.version, ...report }));
  else console.log(`model ${model.version} on ${values.data ?? 'the held-out split'}\n\n${formatReport(report)}`);
  if (values['min-accuracy'] !== undefined) {
    let min = Number(values['min-accuracy']);
    if (Number.isNaN(min)) throw new AppError('BAD_REQUEST', '--min-accuracy must be a number');
    if (min > 1) min /= 100;
    if (report.accuracy < min) {
      console.error(`accuracy ${(report.accuracy * 100).toFixed(2)}% is below --min-accuracy ${(min * 100).toFixed(2)}%`);
      return 2;
    }
  }
  return 0;
});
