/** Helpers shared by the maintainer CLIs in scripts/. */
import { type Config, loadConfig, loadDotEnv } from '../config.js';
import { AppError } from '../core/errors.js';

export function cliConfig(): Config {
  loadDotEnv();
  return loadConfig();
}

/** Runs a CLI main, printing clean errors (with the code) instead of stacks for known failures. */
export function runCli(main: () => Promise<unknown>): void {
  main().then(
    (code) => {
      process.exitCode = typeof code === 'number' ? code : 0;
    },
    (e: unknown) => {
      if (e instanceof AppError) console.error(`error [${e.code}]: ${e.message}`);
      else if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
        console.error(`error: ${e.message}`);
      else console.error(e);
      process.exitCode = 1;
    },
  );
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

export { pct };

/** A one-line progress display on stderr (rewritten in place on a terminal). */
export function progressLine(): { update(text: string): void; done(text?: string): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(text) {
      const now = Date.now();
      if (tty) process.stderr.write(`\r\x1b[2K${text}`);
      else if (now - last > 2000) {
        process.stderr.write(`${text}\n`);
        last = now;
      }
    },
    done(text) {
      if (tty) process.stderr.write('\r\x1b[2K');
      if (text) process.stderr.write(`${text}\n`);
    },
  };
}
