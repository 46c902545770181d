/**
 * eval on multi-turn data (issue 14): conversations run through the real
 * engine on the shipped model; follow-ups, switches and no-topic turns are
 * scored apart; a malformed line is refused with its line number.
 */
import { describe, expect, it } from 'vitest';
import { loadBehaviour } from '../../src/dialogue/definitions.js';
import { DialogueEngine } from '../../src/dialogue/engine.js';
import { evaluateMultiTurn, formatMultiTurnReport, parseMultiTurnJsonl } from '../../src/dialogue/multi-turn-eval.js';
import { shippedModel } from '../helpers/app.js';

const engine = new DialogueEngine(loadBehaviour('intents'));
const parse = (t: string, now: Date) => shippedModel().parse(t, now);
const line = (o: object) => JSON.stringify(o);
const turn = (text: string, role: string, topic: string | null, aspect: string | null = null) => ({ text, role, topic, aspect });

describe('multi-turn evaluation', () => {
  it('scores follow-ups on topic and aspect, wrong holds on switches, and ask-backs without a topic', () => {
    const source = [
      line({
        id: 'a',
        kind: 'follow_up',
        turns: [turn('身份证过期了怎么换', 'opening', 'id_card'), turn('在哪里办', 'follow_up', 'id_card', 'place')],
      }),
      // Labelled with the wrong aspect on purpose: the topic is right, the aspect is not.
      line({
        id: 'b',
        kind: 'follow_up',
        turns: [turn('护照怎么办理', 'opening', 'exit_entry'), turn('多少钱', 'follow_up', 'exit_entry', 'duration')],
      }),
      line({
        id: 'c',
        kind: 'switch',
        turns: [turn('居住证怎么续签', 'opening', 'residence_permit'), turn('社保卡丢了怎么补办', 'switch', 'social_security_card')],
      }),
      line({ id: 'd', kind: 'no_topic', turns: [turn('需要带什么材料', 'no_topic', null, 'materials')] }),
    ].join('\n');
    const report = evaluateMultiTurn(parse, engine, parseMultiTurnJsonl(source, 'mt.jsonl'));
    expect(report).toMatchObject({
      conversations: 4,
      turns: 7,
      followUps: { topicAndAspect: { right: 1, n: 2 }, topic: { right: 2, n: 2 }, aspect: { right: 1, n: 2 } },
      switches: { wrongHolds: { right: 0, n: 1 }, newTopicRight: { right: 1, n: 1 } },
      noTopic: { askedBack: { right: 1, n: 1 } },
    });
    expect(report.misses).toEqual([
      expect.objectContaining({ id: 'b', turn: 2, expected: 'exit_entry/duration', got: 'exit_entry/cost (follow_up)' }),
    ]);
    expect(formatMultiTurnReport(report)).toMatch(/follow-ups: right topic and aspect\s+50\.0%\s+\(1\/2\)/);
  });

  it('refuses a line with an unknown role or aspect, naming the line', () => {
    const good = line({ id: 'a', kind: 'x', turns: [turn('你好', 'opening', 'greeting')] });
    expect(() => parseMultiTurnJsonl(`${good}\n${line({ id: 'b', turns: [turn('要多久', 'later', null)] })}`, 'mt.jsonl')).toThrow(
      /mt\.jsonl:2: turn 1 has role "later"/,
    );
    expect(() => parseMultiTurnJsonl(line({ id: 'c', turns: [turn('多少钱', 'follow_up', 'id_card', 'price')] }), 'mt.jsonl')).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID' }),
    );
  });
});
