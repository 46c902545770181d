/**
 * Text normalisation, the first step of understanding. Citizens type on phones
 * with full-width keyboards, paste traditional characters from Hong Kong or
 * Taiwan sources and decorate with emoji; none of that should change what
 * they are asking.
 */
import * as OpenCC from 'opencc-js';

// OpenCC's standard traditional → mainland simplified table (phrases and characters).
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

const CJK = '\\p{Script=Han}';
// Emoji, pictographs, their modifiers and joiners, and box-drawing/decoration
// symbols such as ★☆♥【】 that carry no meaning for the request.
const DECORATION =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0e|\ufe0f|\u20e3|[\u2190-\u21ff\u2500-\u27bf\u2b00-\u2bff\u25a0-\u25ff\u3010\u3011\u3016\u3017]/gu;
// Control and format characters (but not newline/tab, which become spaces).
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
const SPACE_BETWEEN_HAN = new RegExp(`(?<=${CJK})\\s+(?=${CJK})`, 'gu');

// opencc-js converts character by character over a trie; a string with no
// Han character cannot change, so skip it (ticket numbers, "ok", digits).
const HAS_HAN = /\p{Script=Han}/u;

/**
 * NFKC (full-width → half-width, compatibility forms), traditional →
 * simplified, lower-case Latin, emoji and decoration dropped, whitespace
 * collapsed (and removed between two Chinese characters, which voice input
 * and careless typing insert). Digits and Latin letters are kept: plates,
 * ticket numbers and phone numbers live there.
 */
export function normalise(raw: string): string {
  let text = raw.normalize('NFKC');
  text = text
    .replace(DECORATION, ' ')
    .replace(/[\t\n\r\v\f]/g, ' ')
    .replace(CONTROL, '');
  if (HAS_HAN.test(text)) text = toSimplified(text);
  text = text.toLowerCase();
  text = text.replace(/\s+/g, ' ').replace(SPACE_BETWEEN_HAN, '').trim();
  return text;
}
