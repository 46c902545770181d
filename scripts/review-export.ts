/**
 * npm run review:export [-- --out FILE.jsonl] [--days N]
 *
 * Writes the review queue as JSONL (stdout without --out): one object per
 * item — key, text, count, examples, predicted, score, reason — with an
 * empty "label" (and "note") to fill in: an intent id, out_of_scope, or
 * new:<id>. Read back with npm run review:import.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { openReview } from '../src/cli/review-cli.js';
import { exportLine } from '../src/review/exchange.js';

runCli(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string' }, days: { type: 'string' } } });
  const review = await openReview(cliConfig());
  try {
    const items = await review.service.items(values.days ? Number(values.days) : 30);
    const jsonl = items.map((i) => `${JSON.stringify(exportLine(i))}\n`).join('');
    if (!values.out) {
      process.stdout.write(jsonl);
      return 0;
    }
    writeFileSync(values.out, jsonl);
    const messages = items.reduce((n, i) => n + i.count, 0);
    console.log(
      `${items.length} item(s) (${messages} messages) written to ${values.out}; fill in "label" and run npm run review:import -- ${values.out}`,
    );
    return 0;
  } finally {
    await review.close();
  }
});
