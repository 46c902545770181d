/**
 * Pinyin spellings of government terms, as citizens type them when they
 * can't find the characters: jiazhao补办, gongjijin怎么取, gjj提取. Generated
 * from the terms dictionary with the pinyin of CEDICT (shipped inside
 * @nlpjs/lang-zh; this file is its only reader) and added to the correction
 * table at training time, so the artifact carries them and serving needs no
 * dictionary. Full pinyin for every term of 2+ characters; initials (gjj)
 * only for 3+ characters and only when no other term shares them.
 */
import { createRequire } from 'node:module';
import type { CorrectionTable } from './corrections.js';

const require = createRequire(import.meta.url);

interface Cedict {
  getPinyin(word: string): string[] | string;
}

let cedict: Cedict | undefined;
function dictionary(): Cedict {
  if (!cedict) {
    // lang-zh prints "Compiling dictionary" while it builds its index; keep stdout for results.
    const log = console.log;
    console.log = () => {};
    try {
      cedict = require('@nlpjs/lang-zh/src/dictionary') as Cedict;
      cedict.getPinyin('中');
    } finally {
      console.log = log;
    }
  }
  return cedict;
}

/** Toneless syllables of a word, or null when a character has no known reading. */
export function syllables(word: string): string[] | null {
  const dict = dictionary();
  const whole = dict.getPinyin(word);
  if (Array.isArray(whole) && whole[0]) return whole[0].replace(/[0-9]/g, '').toLowerCase().split(/\s+/);
  const out: string[] = [];
  for (const ch of word) {
    const r = dict.getPinyin(ch);
    // Several readings: the first is CEDICT's most common one.
    if (!Array.isArray(r) || !r[0]) return null;
    out.push((r[0].split(/\s+/)[0] ?? '').replace(/[0-9]/g, '').toLowerCase());
  }
  return out;
}

/**
 * Everyday words of questions, with their pinyin (written here, not looked
 * up: CEDICT's first reading of 了 or 得 is not the one a question uses), so
 * that a question typed wholly in pinyin converts around its terms
 * (gong ji jin zen me ti qu → 公积金怎么提取; see pinyin-phrases.ts).
 */
const EVERYDAY: ReadonlyArray<readonly [pinyin: string, hanzi: string]> = [
  ['zenme', '怎么'],
  ['zenmeban', '怎么办'],
  ['zenyang', '怎样'],
  ['ruhe', '如何'],
  ['shenme', '什么'],
  ['nali', '哪里'],
  ['naxie', '哪些'],
  ['duoshao', '多少'],
  ['duojiu', '多久'],
  ['xuyao', '需要'],
  ['cailiao', '材料'],
  ['tiaojian', '条件'],
  ['liucheng', '流程'],
  ['banli', '办理'],
  ['banshi', '办事'],
  ['ban', '办'],
  ['buban', '补办'],
  ['tiqu', '提取'],
  ['shenqing', '申请'],
  ['chaxun', '查询'],
  ['cha', '查'],
  ['keyi', '可以'],
  ['neng', '能'],
  ['ma', '吗'],
  ['ne', '呢'],
  ['wo', '我'],
  ['yao', '要'],
  ['xiang', '想'],
  ['de', '的'],
  ['le', '了'],
  ['zai', '在'],
  ['qu', '去'],
  ['dai', '带'],
  ['diule', '丢了'],
  ['diu', '丢'],
  ['daoqi', '到期'],
  ['guoqi', '过期'],
  ['huanzheng', '换证'],
  ['ling', '领'],
  ['baoming', '报名'],
  ['baoxiao', '报销'],
  ['shangxue', '上学'],
  ['xiaohai', '小孩'],
  ['haizi', '孩子'],
  ['jindu', '进度'],
  ['chuli', '处理'],
  ['dengji', '登记'],
  ['jiehun', '结婚'],
  ['xuqian', '续签'],
  ['qianru', '迁入'],
  ['qianchu', '迁出'],
  ['yuyue', '预约'],
  ['tousu', '投诉'],
  ['jubao', '举报'],
  ['shi', '是'],
  ['bu', '不'],
  ['you', '有'],
  ['meiyou', '没有'],
  ['nihao', '你好'],
  ['xiexie', '谢谢'],
  ['zaijian', '再见'],
  ['rengong', '人工'],
  ['qingwen', '请问'],
  ['yixia', '一下'],
  ['laji', '垃圾'],
  ['fenlei', '分类'],
  ['yimiao', '疫苗'],
  ['weizhang', '违章'],
  ['yibao', '医保'],
  ['shebao', '社保'],
  ['yanglaojin', '养老金'],
  ['shiyejin', '失业金'],
  ['gerensuodeshui', '个人所得税'],
  ['banjian', '办件'],
];

export function pinyinCorrections(terms: readonly string[]): CorrectionTable {
  const full = new Map<string, string>();
  const initials = new Map<string, string | null>();
  for (const term of terms) {
    if (!/^\p{Script=Han}{2,}$/u.test(term)) continue;
    const s = syllables(term);
    if (!s || s.some((x) => !/^[a-z]+$/.test(x))) continue;
    const joined = s.join('');
    if (!full.has(joined)) full.set(joined, term);
    if (s.length >= 3) {
      const ini = s.map((x) => x[0]).join('');
      initials.set(ini, initials.has(ini) && initials.get(ini) !== term ? null : term);
    }
  }
  for (const [pinyin, hanzi] of EVERYDAY) if (!full.has(pinyin)) full.set(pinyin, hanzi);
  const pairs: Array<[string, string]> = [...full.entries()];
  for (const [ini, term] of initials) if (term && !full.has(ini)) pairs.push([ini, term]);
  return pairs;
}
