/**
 * What makes two citizen texts "the same question" for the review queue,
 * and the short id an item is addressed by.
 */
import { createHash } from 'node:crypto';
import { normalise } from '../nlu/normalise.js';

// Courtesy at either end changes nothing about what is asked. (The same
// words the analytics dashboard trims, so its unanswered groups and the
// review queue agree.)
const LEADING = /^(?:你好|您好|请问一下|请问|麻烦问一下|麻烦问下|问一下|问下|我想问一下|我想问下|我想问|想问一下|想问下|想问)+/u;
const TRAILING = /(?:啊|呀|吧|呢|吗|嘛|哈|哦|呐|啦|谢谢|谢谢了|谢谢您)+$/u;

/**
 * Normalised as the classifier sees text (NFKC, traditional → simplified,
 * case, emoji), then punctuation, symbols and spaces dropped (masking
 * stars go with them), digit runs collapsed (two reference numbers are one
 * question) and courtesy words trimmed.
 */
export function reviewKey(text: string): string {
  const plain = normalise(text)
    .replace(/[\p{P}\p{S}\s]+/gu, '')
    .replace(/[0-9]+/g, '#');
  return plain.replace(LEADING, '').replace(TRAILING, '') || plain;
}

/** The id of the item whose representative has this review key: short, URL-safe, the same on every run. */
export function itemId(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}
