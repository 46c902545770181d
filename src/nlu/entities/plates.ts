/**
 * Vehicle plates: province character, issuing-authority letter, then five
 * characters (ordinary) or six starting or ending with D/F (new energy).
 * Plate letters never include I or O.
 */
import type { PlateEntity } from '../../core/entities.js';

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE = new RegExp(`([${PROVINCES}])\\s?([a-hj-np-z])\\s?[·.\\-]?\\s?([a-hj-np-z0-9]{5,6})(?![a-z0-9])`, 'giu');

export function extractPlates(text: string): PlateEntity[] {
  const out: PlateEntity[] = [];
  for (const m of text.matchAll(PLATE)) {
    const tail = (m[3] as string).toUpperCase();
    const newEnergy = tail.length === 6;
    if (newEnergy && !/^[DF]|[DF]$/.test(tail)) continue;
    if (!/[0-9]/.test(tail)) continue; // 沪A then letters only is a word, not a plate
    const value = `${m[1]}${(m[2] as string).toUpperCase()}${tail}`;
    out.push({ type: 'plate', value, newEnergy, text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}
