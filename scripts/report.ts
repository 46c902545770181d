/**
 * npm run report -- --from 2026-11-01 --to 2026-11-30 [--out DIR]
 *
 * Writes the service analytics for a range of Shanghai days as one
 * self-contained HTML file (charts inline, opens offline, prints on A4) and
 * CSV tables for spreadsheets, into DIR (default DATA_DIR/reports):
 * report-<from>-<to>.html, report-<from>-<to>-daily-volume.csv, -intents,
 * -escalation-reasons, -unanswered, -ratings, -hourly. Without --from/--to:
 * the last 30 days. Reads the database only.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { requestedRange } from '../src/analytics/range.js';
import { serviceAnalytics } from '../src/analytics/service-analytics.js';
import { writeReport } from '../src/analytics/write-report.js';
import { cliConfig, pct, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { loadDepartments } from '../src/dispatch/departments.js';
import { openStorage } from '../src/storage/open-storage.js';
import { departmentName } from '../src/tickets/department-names.js';

runCli(async () => {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } } });
  const config = cliConfig();
  if (!config.DATABASE_URL && !existsSync(config.databaseFile))
    throw new AppError('DATA_INVALID', `no database at ${config.databaseFile} (start the server once first)`);
  const now = new Date();
  const range = requestedRange(now, values.from, values.to);
  const storage = await openStorage(config);
  try {
    // Department names for the ticket panel; an install without the list shows ids.
    const departments = existsSync(config.departmentsFile) ? loadDepartments(config.departmentsFile) : null;
    const a = await serviceAnalytics(storage.analytics, range, now, {
      lowConfidence: config.REVIEW_LOW_CONFIDENCE,
      departmentName: departments ? (id) => departmentName(departments, id) : undefined,
    });
    const files = writeReport(a, path.resolve(values.out ?? path.join(config.DATA_DIR, 'reports')));
    const h = a.headline;
    console.log(
      `${range.from} – ${range.to}: ${h.messages} messages from ${h.citizens} citizens, ${h.handoffs} handoffs, answered by the assistant ${pct(h.answeredShare)}, satisfaction ${pct(h.satisfaction)}`,
    );
    const tw = a.ticketWork;
    console.log(
      `tickets: ${tw.filed} filed, ${tw.overdue} overdue; dispatched by the model and kept ${tw.dispatch.automatic}, corrected by staff ${tw.dispatch.corrected}, by hand from 待分派 ${tw.dispatch.manual}, still unassigned ${tw.dispatch.unassigned}`,
    );
    for (const f of files) console.log(`wrote ${f}`);
    return 0;
  } finally {
    await storage.close();
  }
});
