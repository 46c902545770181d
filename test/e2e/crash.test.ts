/**
 * Crash safety: a real server process takes a load of complaints and
 * handoffs, is killed with SIGKILL in the middle, and is started again on the
 * same database. Everything acknowledged to a citizen (a ticket number in a
 * reply, a handoff event) must be there after the restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { INTEGRATOR, TEST_INTEGRATION_KEY } from '../helpers/integrator.js';

function start(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    // node itself (not the tsx wrapper) so that SIGKILL hits the server.
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-server.ts', 'app'], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', INTEGRATION_API_KEY: TEST_INTEGRATION_KEY },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.once('data', (d: Buffer) => resolve({ url: d.toString().trim(), child }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const COMPLAINT = ['我要投诉小区门口天天有人乱停车把消防通道堵了', '浦东新区锦绣路100弄', '13912345678', '是的'];

describe('kill -9 under load', () => {
  it('loses nothing that was acknowledged', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wz-crash-'));
    // The shipped test model, as a current model in this data dir.
    cpSync(inject('shippedModelDir'), path.join(dataDir, 'models', 'test-model'), { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dataDir, 'models', 'CURRENT'), 'test-model\n');
    const { url, child } = await start(dataDir);
    const tickets = new Set<string>();
    const handoffs = new Set<string>();
    let stop = false;
    let inFlightAtKill = 0;
    let inFlight = 0;
    // Each citizen repeats their flow until the kill, so the kill lands mid-load.
    const citizen = async (n: number) => {
      const flow = n % 3 === 0 ? ['转人工', '不用了'] : COMPLAINT;
      for (let i = 0; !stop; i++) {
        const text = flow[i % flow.length] as string;
        inFlight++;
        try {
          const res = await fetch(`${url}/api/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...INTEGRATOR },
            body: JSON.stringify({ userId: `crash-${n}`, text }),
          });
          if (res.status !== 200) continue;
          const body = (await res.json()) as { events: Array<{ type: string; id: string }> };
          for (const e of body.events) {
            if (e.type === 'ticket.created') tickets.add(e.id);
            if (e.type === 'handoff.requested') handoffs.add(e.id);
          }
        } catch {
          return; // the server died mid-request: nothing was acknowledged
        } finally {
          inFlight--;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 60 }, (_, n) => citizen(n)));
    await new Promise((r) => setTimeout(r, 2500));
    inFlightAtKill = inFlight;
    child.kill('SIGKILL');
    stop = true;
    await load;
    expect(tickets.size + handoffs.size).toBeGreaterThan(0);
    expect(inFlightAtKill, 'requests in flight when the server was killed').toBeGreaterThan(0);

    const again = await start(dataDir);
    again.child.kill('SIGTERM');
    const db = openDatabase(path.join(dataDir, 'wenzheng.db'));
    const store = new SqliteStore(db);
    const storedTickets = new Set((await store.tickets()).map((t) => t.reference));
    const storedHandoffs = new Set((await store.handoffs()).map((h) => h.id));
    db.close();
    for (const t of tickets) expect(storedTickets.has(t), `ticket ${t}`).toBe(true);
    for (const h of handoffs) expect(storedHandoffs.has(h), `handoff ${h}`).toBe(true);
    console.log(
      `kill -9 with ${inFlightAtKill} requests in flight: ${tickets.size} tickets and ${handoffs.size} handoffs acknowledged before it, all present after restart`,
    );
  });
});
