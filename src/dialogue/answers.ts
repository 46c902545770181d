/**
 * Answers that depend on a slot's value (answer_from in intents/): the
 * housing-fund checklist for a purpose, the residence-permit case, a garbage
 * item's category, a district's service hall. Pure.
 */
import { isWorkingDay } from '../core/calendar.js';
import type { FormState } from '../core/conversation.js';
import type { Behaviour, FormDef, IntentDef } from './definitions.js';
import { formatDate } from './slots.js';

export function answerFrom(b: Behaviour, def: IntentDef, formDef: FormDef, form: FormState): string {
  const value = form.slots[formDef.slots[0]?.name ?? ''] ?? '';
  switch (formDef.answer_from) {
    case 'checklists':
      return `${value}提取公积金：\n${(def.checklists?.[value] ?? []).map((l) => `· ${l}`).join('\n')}`;
    case 'cases':
      return def.cases?.[value] ?? def.answer;
    case 'garbage': {
      const near = value.startsWith('~');
      const name = near ? value.slice(1) : value;
      const item = b.garbage.items.find((i) => i.name === name);
      if (!item) return b.garbage.rules.join('\n');
      // One or two sentences: the category, then the item's own tip or, failing one, the category's general tip.
      const tip = item.note ?? b.garbage.categories[item.category]?.note;
      return `${near ? `没有找到完全一致的物品，最接近的是“${name}”：` : ''}${name}属于【${item.category}】。${tip ? sentence(tip) : ''}`;
    }
    case 'service_halls': {
      const hall = b.halls.get(value);
      if (!hall) return def.answer;
      return `${hall.name}\n地址：${hall.address}\n办公时间：${hall.hours}\n（示例数据，出行前请在“一网通办”或“随申办”核实；个人事项也可就近到街镇社区事务受理服务中心办理。）`;
    }
    default:
      return def.answer;
  }
}

/** A note written without its full stop, as a sentence. */
const sentence = (t: string) => (/[。！？!?]$/.test(t.trim()) ? t.trim() : `${t.trim().replace(/[，、；,;]+$/, '')}。`);

/**
 * Whether the halls work on a day a citizen asks about (端午节上班吗, 周六开门吗),
 * from the holiday calendar; a year the calendar has no entry for is said
 * to be unknown rather than guessed from the weekday.
 */
export function hallDayNote(b: Behaviour, date: string): string {
  const when = formatDate(date);
  if (b.calendar.workdays.has(date)) return `${when}是调休上班日，办事大厅照常办公。`;
  if (b.calendar.holidays.has(date)) return `${when}是法定节假日，办事大厅一般不对外办公；不少事项可以在“随申办”上网办。`;
  const year = date.slice(0, 4);
  if (![...b.calendar.holidays].some((d) => d.startsWith(year))) {
    return `${when}的放假安排我这里还没有，请以国务院放假通知和办事大厅的公告为准。`;
  }
  return isWorkingDay(date, b.calendar)
    ? `${when}是工作日，办事大厅照常办公。`
    : `${when}是周末，办事大厅一般不对外办公（个别中心周末开放，以公告为准）。`;
}
