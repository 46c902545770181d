/** Debian's chromium for the browser tests, driven by playwright-core (`npx playwright install` cannot work here). */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails the test clearly when the browser is missing (before anything is started). */
export function requireChromium(what: string): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: ${what} needs Debian's chromium ` +
        '(apt-get install chromium fonts-noto-cjk, as .ci/run does), or set SKIP_BROWSER_TESTS=1 to skip it.',
    );
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
