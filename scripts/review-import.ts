/**
 * npm run review:import -- FILE.jsonl [--by NAME]
 *
 * Applies the labels filled in a review:export file, exactly as the console
 * would: texts appended to corpus/reviewed/<intent>.jsonl (proposals to
 * corpus/proposed/<id>.jsonl), audited with NAME. Lines with an unknown
 * intent are reported with their line numbers and nothing is applied.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { openReview } from '../src/cli/review-cli.js';
import { AppError } from '../src/core/errors.js';
import { applyImport, parseImport } from '../src/review/exchange.js';

runCli(async () => {
  const { values, positionals } = parseArgs({ options: { by: { type: 'string' } }, allowPositionals: true });
  const file = positionals[0];
  if (!file) throw new AppError('BAD_REQUEST', 'usage: npm run review:import -- FILE.jsonl [--by NAME]');
  const source = readFileSync(file, 'utf8');
  const review = await openReview(cliConfig());
  try {
    const parsed = parseImport(source, file, review.service.intents());
    const by = values.by ?? userInfo().username;
    const r = await applyImport(review.service, parsed, { staffId: null, name: by }, file);
    for (const m of r.messages) console.log(m);
    console.log(
      `labelled ${r.labelled} item(s), ${r.textsWritten} text(s) written to the corpus; ` +
        `${r.gone} already labelled or no longer queued; ${r.heldout} refused (held-out text); ${r.unlabelled} without a label`,
    );
    if (r.labelled > 0) console.log('run npm run retrain to train on them');
    return 0;
  } finally {
    await review.close();
  }
});
