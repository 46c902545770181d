/** Renders training progress on one stderr line (epochs per job), as `npm run train` does. */
import type { RetrainProgress } from '../nlu/retrain.js';
import { progressLine } from './common.js';

export function trainingProgress(): (p: RetrainProgress) => void {
  const line = progressLine();
  const epochs = new Map<number, number>();
  return (p) => {
    if (p.stage === 'prepare') line.done(`training on ${p.examples} utterances, ${p.intents} intents`);
    else if (p.stage === 'jobs') line.done(`${p.jobs} training jobs (final model + ${p.folds} calibration folds) on worker threads`);
    else if (p.stage === 'epoch') {
      epochs.set(p.job, p.epoch);
      line.update(
        `epochs: ${[...epochs.entries()]
          .sort()
          .map(([j, e]) => `${j === 0 ? 'final' : `fold ${j}`} ${e}`)
          .join(' · ')}`,
      );
    } else if (p.stage === 'calibrated') {
      line.done(
        `out-of-scope threshold ${p.threshold} on ${p.thresholdOn} (out-of-fold balanced accuracy ${(p.accuracy * 100).toFixed(1)}%)`,
      );
    } else if (p.stage === 'comparing') {
      line.done(`evaluating the candidate${p.current ? ` and the current model ${p.current}` : ''} on ${p.lines} lines`);
    }
  };
}
