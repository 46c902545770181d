/**
 * Reading a slot's value out of a parse. Pure: the parse, the slot's
 * definition and the behaviour data in, a value or a reason out.
 */
import { isWorkingDay } from '../core/calendar.js';
import { addDays, wallClock, weekday } from '../core/clock.js';
import type { EntityOf, EntityType } from '../core/entities.js';
import type { Parse } from '../core/parse.js';
import { isValidPhone } from '../nlu/entities/phones.js';
import type { Behaviour, GarbageItem, SlotDef } from './definitions.js';
import { foreignReference } from './foreign-reference.js';

export type SlotReading = { ok: true; value: string } | { ok: false; reason: string } | { ok: false; reason: null };

const none: SlotReading = { ok: false, reason: null };

function entity<T extends EntityType>(parse: Parse, type: T): EntityOf<T> | undefined {
  return parse.entities.find((e): e is EntityOf<T> => e.type === type);
}

/** 不用留电话, 电话就不留了: declines an optional phone number (not a cancel of the whole form). */
export const NO_PHONE = /不(?:用|要|需要|必|想)?留(?:电话|号码|手机)?|(?:电话|号码|手机)(?:号码?)?(?:就)?不(?:用|要|需要)?留/;
/** Words that mean "skip this optional slot". */
const SKIP = /^(不用|不需要|不留|没有|无|跳过|不必|不要|算了不留|不用了)[了啊吧。.!！]*$/;

/** Phrases that carry no content of their own ("我要投诉" is a request, not a description). */
const BARE_REQUEST =
  /^(我|本人)?(想|要|想要|需要)?(投诉|举报|反映|反应|提个?建议|建议|提意见|意见|投诉一下|举报一下|反映个?问题|反映一下)[一下个吧啊呢。.!！?？]*$/;

/** Reasons are shown to citizens; keep them short and say what was wrong. */
function checkFutureWorkday(date: string, now: Date, behaviour: Behaviour): string | null {
  const today = wallClock(now).date;
  if (date <= today) return date < today ? `${formatDate(date)}已经过去了，` : '当天不能预约，';
  if (date > addDays(today, 60)) return '只能预约 60 天以内的日期，';
  if (!isWorkingDay(date, behaviour.calendar)) {
    return behaviour.calendar.holidays.has(date) ? `${formatDate(date)}是法定节假日，` : `${formatDate(date)}是周末，办事大厅不对外服务，`;
  }
  return null;
}

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export function formatDate(date: string): string {
  const [, m, d] = date.split('-');
  return `${Number(m)}月${Number(d)}日（${WEEKDAYS[weekday(date)]}）`;
}

export function findGarbageItem(text: string, behaviour: Behaviour): { item: GarbageItem; exact: boolean } | null {
  let best: { item: GarbageItem; len: number } | null = null;
  for (const item of behaviour.garbage.items) {
    for (const name of [item.name, ...item.aliases]) {
      if (name.length > (best?.len ?? 0) && text.includes(name)) best = { item, len: name.length };
    }
  }
  if (best) return { item: best.item, exact: true };
  // Near matches: the item name that shares most character bigrams (Dice ≥ 0.5).
  const stripped = text
    .replace(/(是|属于|算|扔|丢|放|投)?(什么|哪|啥|哪种|哪一类|哪个)(垃圾|桶|类)?.*$/, '')
    .replace(/^(请问|问一下|我想问)/, '');
  if (stripped.length < 2) return null;
  const grams = (s: string) => new Set([...s].slice(0, -1).map((c, i) => c + s[i + 1]));
  const target = grams(stripped);
  let near: { item: GarbageItem; dice: number } | null = null;
  for (const item of behaviour.garbage.items) {
    for (const name of [item.name, ...item.aliases]) {
      if (name.length < 2) continue;
      const g = grams(name);
      let shared = 0;
      for (const x of g) if (target.has(x)) shared++;
      const dice = (2 * shared) / (g.size + target.size);
      if (dice >= 0.5 && dice > (near?.dice ?? 0)) near = { item, dice };
    }
  }
  return near ? { item: near.item, exact: false } : null;
}

export function readSlot(slot: SlotDef, parse: Parse, now: Date, behaviour: Behaviour, options: { asked: boolean }): SlotReading {
  const text = parse.normalised;
  if (slot.optional && options.asked && (SKIP.test(text) || (slot.type === 'phone' && NO_PHONE.test(text)))) return { ok: true, value: '' };
  switch (slot.type) {
    case 'service': {
      let best: { id: string; len: number } | null = null;
      for (const [id, s] of behaviour.services) {
        for (const alias of s.aliases) if (alias.length > (best?.len ?? 0) && text.includes(alias)) best = { id, len: alias.length };
      }
      if (best) return { ok: true, value: best.id };
      if (options.asked && behaviour.services.has(parse.intent)) return { ok: true, value: parse.intent };
      return options.asked ? { ok: false, reason: '' } : none;
    }
    case 'district': {
      const d = entity(parse, 'district');
      return d ? { ok: true, value: d.value } : options.asked ? { ok: false, reason: '' } : none;
    }
    case 'date': {
      const d = entity(parse, 'date');
      if (!d) return options.asked ? { ok: false, reason: '' } : none;
      if (slot.validate === 'future_workday') {
        const reason = checkFutureWorkday(d.value, now, behaviour);
        if (reason) return { ok: false, reason };
      }
      return { ok: true, value: d.value };
    }
    case 'period': {
      const p = entity(parse, 'period');
      if (p) return { ok: true, value: p.value };
      if (/上午|早上|早晨|上半天/.test(text)) return { ok: true, value: 'am' };
      if (/下午|午后|下半天/.test(text)) return { ok: true, value: 'pm' };
      return options.asked ? { ok: false, reason: '' } : none;
    }
    case 'phone': {
      const p = entity(parse, 'phone');
      if (p && isValidPhone(p.value)) return { ok: true, value: p.value };
      if (!options.asked) return none;
      return /\d{5,}/.test(text) || p ? { ok: false, reason: '号码位数或格式不对。' } : { ok: false, reason: '' };
    }
    case 'reference': {
      const r = entity(parse, 'reference');
      if (r) return { ok: true, value: r.value };
      const foreign = foreignReference(parse);
      if (foreign) return { ok: false, reason: `没有查到编号 ${foreign} 的记录。` };
      return options.asked ? { ok: false, reason: '' } : none;
    }
    case 'text': {
      const value = parse.text.trim();
      if (!options.asked && BARE_REQUEST.test(text)) return none;
      if ([...value].length < (slot.min_length ?? 2)) return options.asked ? { ok: false, reason: '' } : none;
      return { ok: true, value };
    }
    case 'place': {
      const d = entity(parse, 'district');
      if (!options.asked) return d ? { ok: true, value: d.value } : none;
      const value = parse.text.trim();
      // 13800138000 at the place question is a phone number, not a place.
      if (/^[\d\s+-]+$/.test(value)) return { ok: false, reason: '' };
      return [...value].length >= 2 ? { ok: true, value } : { ok: false, reason: '' };
    }
    case 'choice': {
      for (const [key, words] of Object.entries(slot.choices ?? {})) {
        if (words.some((w) => text.includes(w))) return { ok: true, value: key };
        if (text === key) return { ok: true, value: key };
      }
      return options.asked ? { ok: false, reason: '' } : none;
    }
    case 'garbage_item': {
      const found = findGarbageItem(text, behaviour);
      if (found) return { ok: true, value: `${found.exact ? '' : '~'}${found.item.name}` };
      return options.asked ? { ok: false, reason: '' } : none;
    }
  }
}

/** How a slot's value reads in a sentence. */
export function displaySlot(slot: SlotDef, value: string, behaviour: Behaviour): string {
  switch (slot.type) {
    case 'service':
      return behaviour.services.get(value)?.name ?? value;
    case 'date':
      return formatDate(value);
    case 'period':
      return value === 'am' ? '上午' : '下午';
    case 'phone':
      return value === '' ? '未留' : value;
    default:
      return value;
  }
}

/** Fills `{name}` placeholders; unknown ones are left visible so lint can catch them. */
export function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (m, k: string) => vars[k] ?? m);
}
