/** npm run privacy:purge — runs the retention job once now (RETENTION_DAYS), as the server does every few hours. */
import pino from 'pino';
import { cliConfig, runCli } from '../src/cli/common.js';
import { RetentionJob } from '../src/privacy/retention.js';
import { SqlitePrivacyStore } from '../src/storage/privacy-store.js';
import { openDatabase } from '../src/storage/sqlite.js';

runCli(async () => {
  const config = cliConfig();
  const db = openDatabase(config.databaseFile);
  try {
    const job = new RetentionJob({
      store: new SqlitePrivacyStore(db),
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
    db.close();
  }
});
