/** npm run privacy:purge — runs the retention job once now (RETENTION_DAYS), as the server does every few hours. */
import pino from 'pino';
import { cliConfig, runCli } from '../src/cli/common.js';
import { RetentionJob } from '../src/privacy/retention.js';
import { openStorage } from '../src/storage/open-storage.js';

runCli(async () => {
  const config = cliConfig();
  const storage = await openStorage(config);
  try {
    const job = new RetentionJob({
      store: storage.privacy,
      days: config.RETENTION_DAYS,
      clock: () => new Date(),
      log: pino({ level: 'silent' }),
    });
    const counts = await job.runOnce();
    if (!counts) console.log('RETENTION_DAYS is 0: nothing is purged');
    else
      console.log(
        `retention ${config.RETENTION_DAYS} days: ${Object.entries(counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
  } finally {
    await storage.close();
  }
});
