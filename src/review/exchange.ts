/**
 * The review queue as JSONL, for people who label in a spreadsheet:
 * export writes one object per item with an empty `label`; import reads the
 * lines whose `label` is filled in (an intent id, out_of_scope or new:<id>)
 * and applies them as the console would.
 */
import { AppError } from '../core/errors.js';
import type { ReviewItem } from './group.js';
import { parseLabel } from './labels.js';
import type { Reviewer, ReviewService } from './review-service.js';

export interface ExportLine {
  key: string;
  text: string;
  count: number;
  examples: string[];
  predicted: string;
  score: number;
  /** The reasons it is queued, comma-separated: fallback, low_confidence, escalated, bad_rating. */
  reason: string;
  label: string;
  note: string;
}

export function exportLine(item: ReviewItem): ExportLine {
  return {
    key: item.key,
    text: item.text,
    count: item.count,
    examples: item.examples,
    predicted: item.predicted.intent,
    score: item.predicted.score,
    reason: Object.keys(item.reasons).join(','),
    label: '',
    note: '',
  };
}

export interface ImportRow {
  line: number;
  key: string;
  text: string | null;
  label: string;
  note?: string;
}

/** The labelled rows, or every problem found (with line numbers) so nothing is half-applied. */
export function parseImport(source: string, file: string, known: readonly string[]): { rows: ImportRow[]; unlabelled: number } {
  const rows: ImportRow[] = [];
  const problems: string[] = [];
  let unlabelled = 0;
  source.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    const at = `${file}:${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      problems.push(`${at}: not valid JSON`);
      return;
    }
    const label = typeof row.label === 'string' ? row.label.trim() : '';
    if (!label) {
      unlabelled++;
      return;
    }
    if (typeof row.key !== 'string' || !row.key) {
      problems.push(`${at}: "key" is missing (keep the key review:export wrote)`);
      return;
    }
    const parsed = parseLabel(label, known);
    if (typeof parsed === 'string') {
      problems.push(`${at}: ${parsed}`);
      return;
    }
    const note = typeof row.note === 'string' && row.note.trim() ? row.note.trim() : undefined;
    rows.push({ line: i + 1, key: row.key, text: typeof row.text === 'string' ? row.text : null, label, ...(note ? { note } : {}) });
  });
  if (problems.length > 0)
    throw new AppError('DATA_INVALID', `${problems.length} line(s) not imported:\n  ${problems.join('\n  ')}`, problems);
  return { rows, unlabelled };
}

export interface ImportReport {
  labelled: number;
  textsWritten: number;
  /** Labelled meanwhile (console, another import) or no longer in the queue. */
  gone: number;
  /** Every text equal to a held-out line: refused by the leak check. */
  heldout: number;
  unlabelled: number;
  messages: string[];
}

export async function applyImport(
  service: ReviewService,
  parsed: { rows: ImportRow[]; unlabelled: number },
  who: Reviewer,
  file: string,
): Promise<ImportReport> {
  const report: ImportReport = { labelled: 0, textsWritten: 0, gone: 0, heldout: 0, unlabelled: parsed.unlabelled, messages: [] };
  for (const row of parsed.rows) {
    try {
      const r = await service.label(row.key, row.label, who, { note: row.note, via: 'import', text: row.text ?? undefined });
      report.labelled++;
      report.textsWritten += r.written;
    } catch (e) {
      const code = e instanceof AppError ? e.code : null;
      if (code === 'NOT_FOUND' || code === 'ALREADY_REVIEWED') report.gone++;
      else if (code === 'HELDOUT_TEXT') report.heldout++;
      else throw e;
      report.messages.push(`${file}:${row.line}: ${(e as Error).message}`);
    }
  }
  return report;
}
