/**
 * The corpus as the review queue sees it: where labels are written
 * (corpus/reviewed/<intent>.jsonl, proposals in corpus/proposed/<id>.jsonl),
 * which texts are held out (the leak check), which are labelled already, and
 * one training example per intent to show beside its id. Reads are cached
 * until a file changes, because the queue asks on every request.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseCorpusYaml, parseJsonl } from '../nlu/corpus.js';
import { textKey } from '../nlu/reviewed.js';
import { reviewKey } from './review-key.js';

export interface CorpusLine {
  text: string;
  /** An intent id, out_of_scope, or (in proposed/) the proposed id. */
  intent: string;
  reviewedAt: string;
  by: string;
  note?: string;
}

/** A staff correction of a ticket's department, in corpus/departments/reviewed/<department>.jsonl. */
export interface DepartmentLine {
  text: string;
  department: string;
  reviewedAt: string;
  by: string;
}

/**
 * Also the dispatch corpus's writer: a ReviewCorpus over corpus/departments
 * reads its test/ and writes its reviewed/ the same way.
 */
export class ReviewCorpus {
  private readonly cache = new Map<string, { signature: string; value: unknown }>();

  constructor(readonly dir: string) {}

  /** Keys (as the loader's leak check computes them) of the held-out split, corpus/test/*.jsonl. */
  heldoutKeys(): Set<string> {
    return this.cached(
      'heldout',
      ['test'],
      /\.jsonl$/,
      (files) => new Set(files.flatMap((f) => parseJsonl(read(f), f)).map((r) => textKey(r.text))),
    );
  }

  /** Review keys of every text already labelled or proposed in the corpus. */
  labelledKeys(): Set<string> {
    return this.cached('labelled', ['reviewed', 'proposed'], /\.jsonl$/, (files) => {
      const keys = new Set<string>();
      for (const f of files) {
        for (const line of read(f).split(/\r?\n/)) {
          try {
            const text = (JSON.parse(line) as { text?: unknown }).text;
            if (typeof text === 'string') keys.add(reviewKey(text));
          } catch {
            // Not this module's job to validate: the corpus loader names bad lines when training.
          }
        }
      }
      return keys;
    });
  }

  /** The first training utterance of each intent in corpus/train/*.yaml. */
  examples(): Map<string, string> {
    return this.cached('examples', ['train'], /\.ya?ml$/, (files) => {
      const out = new Map<string, string>();
      for (const r of files.flatMap((f) => parseCorpusYaml(read(f), f))) if (!out.has(r.intent)) out.set(r.intent, r.text);
      return out;
    });
  }

  /** Appends labelled lines to reviewed/<label>.jsonl; returns the file, relative to the corpus. */
  appendReviewed(label: string, lines: readonly CorpusLine[] | readonly DepartmentLine[]): string {
    return this.append(path.join('reviewed', `${label}.jsonl`), lines);
  }

  /** Appends to proposed/<id>.jsonl, which nothing trains on until the intent exists. */
  appendProposed(id: string, lines: readonly CorpusLine[]): string {
    return this.append(path.join('proposed', `${id}.jsonl`), lines);
  }

  private append(relative: string, lines: readonly object[]): string {
    const file = path.join(this.dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    // A file edited by hand may lack its final newline; never glue two objects onto one line.
    const gap = existsSync(file) && !readFileSync(file, 'utf8').endsWith('\n') && statSync(file).size > 0 ? '\n' : '';
    // One write: a reader (the trainer) sees all of a label's lines or none of them.
    appendFileSync(file, gap + lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    return relative;
  }

  private cached<T>(name: string, dirs: string[], ext: RegExp, build: (files: string[]) => T): T {
    const files = dirs.flatMap((d) => jsonFiles(path.join(this.dir, d), ext));
    const signature = files.map((f) => `${f}:${statSync(f).mtimeMs}:${statSync(f).size}`).join('|');
    const hit = this.cache.get(name);
    if (hit && hit.signature === signature) return hit.value as T;
    const value = build(files);
    this.cache.set(name, { signature, value });
    return value;
  }
}

const read = (file: string) => readFileSync(file, 'utf8');

function jsonFiles(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
