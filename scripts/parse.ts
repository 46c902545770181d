/** npm run parse -- "我想提取公积金" [--model DIR] — prints the full parse as JSON. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { loadArtifact } from '../src/nlu/artifact.js';
import { ModelStore } from '../src/nlu/model-store.js';

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' } } });
  const text = positionals.join(' ');
  if (!text.trim()) throw new AppError('TEXT_REQUIRED', 'usage: npm run parse -- "text to parse"');
  const config = cliConfig();
  const model = values.model ? loadArtifact(path.resolve(values.model)) : new ModelStore(config.modelsDir).loadCurrent();
  if (!model) throw new AppError('MODEL_INVALID', `no current model in ${config.modelsDir}; run npm run train first`);
  console.log(JSON.stringify(model.parse(text), null, 2));
});
