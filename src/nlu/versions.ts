/** Versions of the libraries that shape a model, recorded in its manifest. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SHAPING = ['@nlpjs/nlu', '@nlpjs/core', '@nlpjs/lang-zh', 'nodejieba', 'opencc-js', '@microsoft/recognizers-text-suite'];

export function libraryVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SHAPING) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  return out;
}
