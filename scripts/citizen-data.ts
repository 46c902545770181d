/**
 * A citizen's data on request (PIPL):
 *   npm run citizen:export -- --channel wechat-oa --user OPENID [--out file.json]
 *   npm run citizen:delete -- --channel web --user ID --yes
 * Export writes everything held about the person as JSON; delete forgets
 * them as an unsubscribe does. Both are recorded in the audit log.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import type { Channel } from '../src/core/conversation.js';
import { AppError } from '../src/core/errors.js';
import { maskPersonalData } from '../src/privacy/mask.js';
import { openStorage } from '../src/storage/open-storage.js';

const CHANNELS: readonly Channel[] = ['web', 'wechat-oa', 'wechaty'];

runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { channel: { type: 'string' }, user: { type: 'string' }, out: { type: 'string' }, yes: { type: 'boolean' } },
  });
  const command = positionals[0];
  const channel = values.channel as Channel | undefined;
  if ((command !== 'export' && command !== 'delete') || !channel || !values.user || !CHANNELS.includes(channel)) {
    throw new AppError('BAD_REQUEST', `usage: citizen-data export|delete --channel ${CHANNELS.join('|')} --user ID [--out FILE] [--yes]`);
  }
  const config = cliConfig();
  if (!config.DATABASE_URL && !existsSync(config.databaseFile)) throw new AppError('DATA_INVALID', `no database at ${config.databaseFile}`);
  const storage = await openStorage(config);
  try {
    const privacy = storage.privacy;
    const audit = storage.staff;
    const now = Date.now();
    const target = `${channel}:${maskPersonalData(values.user)}`;
    if (command === 'export') {
      const data = await privacy.exportCitizen(channel, values.user, now);
      const out = path.resolve(values.out ?? `citizen-${channel}-${values.user.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
      writeFileSync(out, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await audit.audit({ staffId: null, action: 'citizen_export', target, details: { file: out }, now });
      console.log(
        `exported ${data.messages.length} messages, ${data.appointments.length} appointments, ${data.tickets.length} tickets, ${data.handoffs.length} handoffs to ${out}`,
      );
      return;
    }
    if (!values.yes) throw new AppError('BAD_REQUEST', 'deleting is permanent: add --yes to confirm');
    const r = await privacy.forgetCitizen(channel, values.user, now);
    await audit.audit({ staffId: null, action: 'citizen_delete', target, details: r, now });
    console.log(`deleted ${r.conversations} conversation(s) and ${r.messages} message(s); ${r.anonymised} record(s) anonymised`);
  } finally {
    await storage.close();
  }
});
