/**
 * The TypeScript port of jieba's mixed segmentation against the native
 * nodejieba it replaces, with the same dictionary and government terms: the
 * tokens must be the same on every text the model ever sees, or a trained
 * model would be fed different features than it was trained on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jieba from 'nodejieba';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { JiebaCut } from '../../src/nlu/jieba-cut.js';
import { normalise } from '../../src/nlu/normalise.js';

const files = jieba as unknown as { DEFAULT_DICT: string; DEFAULT_HMM_DICT: string };

describe('jieba mixed segmentation in TypeScript', () => {
  const corpus = loadCorpus('corpus');
  // Plus one-character terms: cppjieba never lets its HMM merge those.
  const terms = [...corpus.terms, '址', '𠀀'];
  const userDict = path.join(mkdtempSync(path.join(tmpdir(), 'wz-jieba-')), 'user.dict.utf8');
  writeFileSync(userDict, `${terms.join('\n')}\n`);
  jieba.load({ userDict });
  const port = new JiebaCut(files.DEFAULT_DICT, files.DEFAULT_HMM_DICT);
  port.loadUserTerms(terms);

  const tricky = [
    '',
    ' ',
    '，，。。',
    '我想办居住证，请问要什么材料。谢谢',
    '中文 english123.45 x1.2.3 3.14abc 和 ABC_def-ghi',
    '1.2.3...',
    '.5元',
    'ｆｕｌｌ　ｗｉｄｔｈ全角',
    '表情😀🙏还有𠀀𪚥扩展字',
    '孤立代理\ud800项\udc00',
    '制表\t换行\n空格 ',
    '沪A12345 的车 违停',
    '身份证号310101199001011234丢了',
    '随申办一网通办不动产权证公积金',
    '地址址址在哪𠀀𠀀',
  ];
  // Seeded mixtures: real messages glued to punctuation, digits, Latin and astral characters.
  const pieces = [...'，。！？、；：“”（）《》【】…— \t\nabcXYZ0123456789._/@%😀𠀀'];
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const texts = [...corpus.train.map((r) => r.text), ...corpus.test.map((r) => r.text)];
  const mixed = Array.from({ length: 3000 }, () => {
    const a = texts[next(texts.length)] as string;
    const b = texts[next(texts.length)] as string;
    return `${a.slice(0, 1 + next(a.length))}${pieces[next(pieces.length)]}${pieces[next(pieces.length)]}${b}`;
  });

  it('cuts every corpus text, raw and normalised, exactly as nodejieba does', () => {
    const all = [...tricky, ...texts, ...mixed];
    const differing = [...all, ...all.map(normalise)].filter((t) => JSON.stringify(port.cut(t)) !== JSON.stringify(jieba.cut(t, true)));
    expect(differing).toEqual([]);
  });

  it('treats a word inserted later (a hot-swapped model’s new term) as nodejieba.insertWord does', () => {
    for (const w of ['居住证续签', '办理进度', '云']) {
      jieba.insertWord(w);
      port.insertWord(w);
    }
    const sample = ['我要居住证续签', '查一下办理进度', '云上办事', ...mixed.slice(0, 500)];
    expect(sample.map((t) => port.cut(t))).toEqual(sample.map((t) => jieba.cut(t, true)));
  });
});
