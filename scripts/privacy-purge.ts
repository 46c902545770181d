/** npm run privacy:purge — runs the retention job once now (RETENTION_DAYS, and records past use), as the server does every few hours. */
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
    const said = Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const days = config.RETENTION_DAYS > 0 ? `retention ${config.RETENTION_DAYS} days` : 'RETENTION_DAYS is 0: no text erased';
    console.log(`${days}; ${said}`);
  } finally {
    await storage.close();
  }
});
