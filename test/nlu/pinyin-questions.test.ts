/**
 * Whole-pinyin questions (toneless, spaced or not), as citizens type them
 * when they cannot find the characters. Written for this test, not taken
 * from any corpus split. The shipped model must understand nearly all of
 * them; PINYIN_REPORT=1 prints each one.
 */
import { describe, expect, it } from 'vitest';
import { shippedModel } from '../helpers/app.js';

const QUESTIONS: Array<[string, string]> = [
  ['gong ji jin zen me ti qu', 'housing_fund_withdraw'],
  ['gongjijinzenmetiqu', 'housing_fund_withdraw'],
  ['gong ji jin dai kuan', 'housing_fund_loan'],
  ['ju zhu zheng', 'residence_permit'],
  ['ju zhu zheng zen me ban', 'residence_permit'],
  ['juzhuzhengxuqian', 'residence_permit'],
  ['she bao ka diu le zen me bu ban', 'social_security_card'],
  ['shebaokabuban', 'social_security_card'],
  ['hu kou qian ru xu yao shen me cai liao', 'hukou'],
  ['hukouqianyi', 'hukou'],
  ['jia zhao dao qi huan zheng', 'driving_license'],
  ['hu zhao zen me ban li', 'exit_entry'],
  ['shen fen zheng diu le', 'id_card'],
  ['shenfenzhengbuban', 'id_card'],
  ['yu yue ban shi', 'appointment'],
  ['wo yao tou su', 'complaint'],
  ['yi bao bao xiao', 'medical_insurance'],
  ['yang lao jin zen me ling', 'pension'],
  ['shi ye jin zen me shen qing', 'unemployment'],
  ['la ji fen lei', 'garbage_sorting'],
  ['su liao ping shi shen me la ji', 'garbage_sorting'],
  ['jie hun deng ji yao dai shen me', 'marriage'],
  ['xiao hai shang xue bao ming', 'school_enrollment'],
  ['yi miao yu yue', 'vaccination'],
  ['zhuan ren gong', 'human_agent'],
  ['ni hao', 'greeting'],
  ['xie xie', 'thanks'],
  ['ge ren suo de shui', 'individual_tax'],
  ['cha xun ban jian jin du', 'progress_query'],
  ['wei zhang chu li', 'traffic_violation'],
];

describe('whole-pinyin questions', () => {
  it('understands nearly all of them', () => {
    const model = shippedModel();
    const results = QUESTIONS.map(([text, intent]) => {
      const p = model.parse(text);
      return { text, intent, got: p.intent, normalised: p.normalised, ok: p.intent === intent };
    });
    const understood = results.filter((r) => r.ok).length;
    if (process.env.PINYIN_REPORT) {
      for (const r of results) console.log(`${r.ok ? 'ok ' : 'MISS'} ${r.text} → ${r.normalised} → ${r.got} (want ${r.intent})`);
      console.log(`understood ${understood}/${results.length}`);
    }
    expect(
      understood,
      results
        .filter((r) => !r.ok)
        .map((r) => `${r.text} → ${r.got}`)
        .join('; '),
    ).toBeGreaterThanOrEqual(27);
  });

  it('leaves English and codes alone, and still reads a single pinyin term inside Chinese', () => {
    const model = shippedModel();
    for (const text of ['made in china', 'hello', 'ok', 'wifi密码', 'sb']) expect(model.parse(text).normalised).toBe(text);
    expect(model.parse('我要tousu').normalised).toBe('我要投诉');
    expect(model.parse('jiazhao补办').normalised).toBe('驾照补办');
  });
});
