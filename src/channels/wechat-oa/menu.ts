/** The custom menu file: WeChat's button tree plus, per CLICK key, the intent it starts. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';

const leaf = z.union([
  z
    .object({
      type: z.literal('click'),
      name: z.string().min(1),
      key: z.string().min(1).max(128),
      intent: z.string().min(1),
      text: z.string().min(1),
    })
    .strict(),
  z.object({ type: z.literal('view'), name: z.string().min(1), url: z.string().url() }).strict(),
]);
const button = z.union([leaf, z.object({ name: z.string().min(1), sub_button: z.array(leaf).min(1).max(5) }).strict()]);
const menuSchema = z.object({ button: z.array(button).min(1).max(3) }).strict();

export type MenuFile = z.infer<typeof menuSchema>;
export interface MenuAction {
  intent: string;
  text: string;
}

export function loadMenu(file: string): MenuFile {
  const parsed = menuSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('CONFIG_INVALID', `${file}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

export function clickActions(menu: MenuFile): Map<string, MenuAction> {
  const out = new Map<string, MenuAction>();
  const visit = (b: z.infer<typeof leaf>) => {
    if (b.type === 'click') out.set(b.key, { intent: b.intent, text: b.text });
  };
  for (const b of menu.button) {
    if ('sub_button' in b) b.sub_button.forEach(visit);
    else visit(b);
  }
  return out;
}

/** The menu in WeChat's menu/create format (our intent/text fields removed). */
export function toWechatMenu(menu: MenuFile): unknown {
  const strip = (b: z.infer<typeof leaf>) =>
    b.type === 'click' ? { type: 'click', name: b.name, key: b.key } : { type: 'view', name: b.name, url: b.url };
  return { button: menu.button.map((b) => ('sub_button' in b ? { name: b.name, sub_button: b.sub_button.map(strip) } : strip(b))) };
}
