/**
 * Plain text for channels that show one message (a WeChat passive reply, a
 * Wechaty say): replies joined, suggestions listed as "· …" lines, cut to
 * what WeChat displays (~2048 bytes).
 */
import type { Reply } from '../core/conversation.js';

const MAX_BYTES = 2000;

export function repliesToText(replies: readonly Reply[]): string {
  const parts = replies.map((r) =>
    r.suggestions?.length ? `${r.text}\n\n您可以接着问：\n${r.suggestions.map((s) => `· ${s}`).join('\n')}` : r.text,
  );
  let text = parts.join('\n\n');
  while (Buffer.byteLength(text, 'utf8') > MAX_BYTES) text = `${[...text].slice(0, -20).join('')}…`;
  return text;
}
