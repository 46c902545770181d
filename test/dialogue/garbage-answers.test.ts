/**
 * Every garbage item's answer reads as one or two written sentences: parts
 * joined with punctuation, and tips that belong to other items (纸巾, 尿不湿,
 * 干电池 under 干垃圾) never ride along with an unrelated item.
 */
import { describe, expect, it } from 'vitest';
import { answerFrom } from '../../src/dialogue/answers.js';
import { loadBehaviour } from '../../src/dialogue/definitions.js';

const b = loadBehaviour('intents');
const garbage = b.intents.get('garbage_sorting');
if (!garbage?.form) throw new Error('garbage_sorting has no form');
const form = garbage.form;
const answer = (item: string) =>
  answerFrom(b, garbage, form, { intent: garbage.id, slots: { item }, pending: null, attempts: {}, confirming: false });

describe('garbage answers', () => {
  it('answers 大骨头 without the tissue, diaper or battery tips of other 干垃圾 items', () => {
    const said = answer('大骨头');
    expect(said).toMatch(/^大骨头属于【干垃圾】。/);
    for (const other of ['纸巾', '尿不湿', '电池']) expect(said).not.toContain(other);
  });

  it.each(b.garbage.items.map((i) => [i.name, i] as const))('punctuates %s and names no other item outside its own note', (name, item) => {
    const said = answer(name);
    // Parts stitched with a bare space ("不属于可回收物 尽量沥干") are not a sentence.
    expect(said).not.toMatch(/\p{Script=Han} +\p{Script=Han}/u);
    expect(said).toMatch(/。$/);
    expect(said).not.toMatch(/[。；，]{2}/);
    const own = new Set([item.name, ...item.aliases]);
    const outsideNote = item.note ? said.replace(item.note, '') : said;
    const others = b.garbage.items
      .flatMap((o) => [o.name, ...o.aliases])
      .filter((n) => [...n].length >= 2 && !own.has(n) && ![...own].some((w) => w.includes(n)));
    expect(others.filter((n) => outsideNote.includes(n))).toEqual([]);
  });
});
