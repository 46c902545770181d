/**
 * The service analytics report as one self-contained HTML document (inline
 * CSS and SVG, no script, nothing fetched): the dashboard serves it with a
 * range form, `npm run report` writes it to a file for officials who do not
 * log in. Every text is escaped — unanswered questions are citizens' words.
 */
import { addDays, wallClock } from '../core/clock.js';
import { formatDuration } from './durations.js';
import { esc } from './escape.js';
import { channelLabel, intentLabel, WEEKDAYS } from './labels.js';
import { OUTCOME_CATEGORIES } from './outcomes.js';
import { REPORT_CSS, REPORT_META_CSP } from './report-style.js';
import type { ServiceAnalytics } from './summarise.js';
import { barChart, heatMap, lineChart, stackedColumns } from './svg.js';
import { fmt, pct } from './svg-kit.js';

export interface DashboardOptions {
  /** Where the range form submits (GET). */
  action: string;
  /** Today in Shanghai, for the quick ranges. */
  today: string;
  /** Where to download this range as a file; omitted: no link. */
  downloadHref?: string;
  /** Back to the console. */
  consoleHref: string;
}

const CHANNEL_COLORS = ['#2563eb', '#16a34a', '#9333ea', '#0891b2'];
const TOTAL_COLOR = '#c8102e';

const when = (ms: number) => {
  const c = wallClock(new Date(ms));
  return `${c.date} ${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
};

/** The report's document head: its CSP (also in the file, which opens from disk), no referrer, its stylesheet. */
function documentHead(title: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_META_CSP)}">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>`;
}

export function renderReport(a: ServiceAnalytics, dashboard?: DashboardOptions): string {
  const title = `问政 · 服务数据分析 ${a.range.from} 至 ${a.range.to}`;
  return `${documentHead(title)}
<body>
<header class="top">
<div><h1>问政 · 服务数据分析</h1>
<p class="sub" data-testid="report-range">统计时段：${esc(a.range.from)} 至 ${esc(a.range.to)}（共 ${a.range.days} 天，北京时间）· 生成于 ${esc(when(a.generatedAt))}</p></div>
${dashboard ? rangeForm(a, dashboard) : ''}
</header>
<main>
${headline(a)}
${volume(a)}
${outcomes(a)}
<div class="grid2">${intents(a)}${escalations(a)}</div>
${unanswered(a)}
<div class="grid2">${staffTimes(a)}${ratings(a)}</div>
${ticketWork(a)}
${hours(a)}
${definitions(a)}
</main>
<footer>问政 Wenzheng · 市民文本均已脱敏 · 本报告为自包含文件，可离线打开和打印</footer>
</body>
</html>
`;
}

function rangeForm(a: ServiceAnalytics, d: DashboardOptions): string {
  const link = (label: string, from: string, to: string) => `<a href="${esc(`${d.action}?from=${from}&to=${to}`)}">${esc(label)}</a>`;
  const month = `${d.today.slice(0, 8)}01`;
  const lastMonthEnd = addDays(month, -1);
  return `<form class="range" method="get" action="${esc(d.action)}" data-testid="range-form">
<label>从 <input type="date" name="from" value="${esc(a.range.from)}" required></label>
<label>至 <input type="date" name="to" value="${esc(a.range.to)}" required></label>
<button type="submit">查询</button>
<span class="quick">${link('近 7 天', addDays(d.today, -6), d.today)}${link('近 30 天', addDays(d.today, -29), d.today)}${link('本月', month, d.today)}${link('上月', `${lastMonthEnd.slice(0, 8)}01`, lastMonthEnd)}</span>
${d.downloadHref ? `<a href="${esc(d.downloadHref)}" data-testid="download-report">下载报告</a>` : ''}
<a href="${esc(d.consoleHref)}">返回工作台</a>
</form>`;
}

function card(id: string, label: string, value: string, note = ''): string {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value" data-testid="headline-${esc(id)}">${esc(value)}</div>${note ? `<div class="note">${esc(note)}</div>` : ''}</div>`;
}

function headline(a: ServiceAnalytics): string {
  const h = a.headline;
  return `<section class="cards" aria-label="概览">
${card('messages', '市民消息', fmt(h.messages), `日均 ${fmt(Math.round(h.messages / a.range.days))}`)}
${card('citizens', '市民人数', fmt(h.citizens))}
${card('answered', '智能解答率', pct(h.answeredShare), '不含人工会话中的消息')}
${card('handoffs', '转人工', fmt(h.handoffs))}
${card('callbacks', '回电请求', fmt(h.callbacks))}
${card('tickets', '工单', fmt(h.tickets), '投诉、建议、差评回访')}
${card('appointments', '预约', fmt(h.appointments), a.appointmentsCancelled ? `其中已取消 ${fmt(a.appointmentsCancelled)}` : '')}
${card('satisfaction', '满意率', pct(h.satisfaction), `好差评 ${fmt(a.ratings.total)} 条`)}
</section>`;
}

const panel = (id: string, heading: string, body: string) =>
  `<section class="panel" data-testid="panel-${esc(id)}"><h2>${esc(heading)}</h2>${body}</section>`;

function volume(a: ServiceAnalytics): string {
  const days = a.volume.days.map((d) => d.day);
  const series = [{ label: '合计', color: TOTAL_COLOR, values: a.volume.days.map((d) => d.total) }];
  // One line per channel only when there is more than one: a single channel would repeat the total.
  if (a.volume.channels.length > 1) {
    a.volume.channels.forEach((c, i) => {
      series.push({
        label: channelLabel(c),
        color: CHANNEL_COLORS[i % CHANNEL_COLORS.length] as string,
        values: a.volume.days.map((d) => d.byChannel[c] ?? 0),
      });
    });
  }
  const only = a.volume.channels.length === 1 ? `<p class="note">渠道：${esc(channelLabel(a.volume.channels[0] as string))}</p>` : '';
  return panel('volume', '每日消息量', lineChart({ id: 'volume', title: '每日市民消息量', days, series, width: 1100, height: 260 }) + only);
}

function outcomes(a: ServiceAnalytics): string {
  const s = a.outcomes.shares;
  const t = a.outcomes.totals;
  const shares = `<p class="shares" data-testid="outcome-shares">
<span>智能解答 <b>${pct(s.assistant)}</b>（${fmt(t.assistant)} 条）</span>
<span>转人工/回电 <b>${pct(s.escalated)}</b>（${fmt(t.escalated)} 条）</span>
<span>未能理解 <b>${pct(s.fallback)}</b>（${fmt(t.fallback)} 条）</span>
<span class="muted">人工会话中 ${fmt(t.staff)} 条，不计入占比</span></p>`;
  const chart = stackedColumns({
    id: 'outcomes',
    title: '每日消息处理结果占比',
    days: a.outcomes.days.map((d) => d.day),
    categories: OUTCOME_CATEGORIES.filter((c) => c.id !== 'other' || t.other > 0),
    rows: a.outcomes.days.map(({ day: _day, ...counts }) => counts),
    width: 1100,
    height: 240,
  });
  return panel('outcomes', '解答情况', shares + chart);
}

function intents(a: ServiceAnalytics): string {
  const items = a.intents.map((i) => ({ label: i.label, value: i.count, valueText: `${fmt(i.count)}（${pct(i.share)}）` }));
  const o = a.intentsOther;
  const note = `<p class="note">占比为占全部市民消息的比例；另有问候、确认等对话 ${fmt(o.conversational)} 条，未识别 ${fmt(o.notUnderstood)} 条。</p>`;
  return panel(
    'intents',
    `热门事项 TOP ${a.intents.length || ''}`.trim(),
    barChart({ id: 'intents', title: '热门事项', items, color: '#2563eb', width: 540 }) + note,
  );
}

function escalations(a: ServiceAnalytics): string {
  const items = a.escalations.map((e) => ({ label: e.label, value: e.count, valueText: `${fmt(e.count)}（${pct(e.share)}）` }));
  return panel('escalations', '转人工原因', barChart({ id: 'escalations', title: '转人工原因', items, color: '#dd6b20', width: 540 }));
}

function unanswered(a: ServiceAnalytics): string {
  const u = a.unanswered;
  const chart = barChart({
    id: 'unanswered',
    title: '未解决诉求（前 10 组）',
    items: u.groups.slice(0, 10).map((g) => ({ label: g.text, value: g.count })),
    color: '#c53030',
    width: 1100,
    labelMax: 460,
  });
  const rows = u.groups
    .map(
      (g, i) =>
        `<tr data-testid="unanswered-row"><td class="num">${i + 1}</td><td class="text">${esc(g.text)}${
          g.examples.length ? `<div class="examples">相近说法：${g.examples.map(esc).join(' ／ ')}</div>` : ''
        }</td><td class="num">${fmt(g.count)}</td><td class="num">${fmt(g.notUnderstood)}</td><td>${g.guessedIntent ? esc(intentLabel(g.guessedIntent)) : '—'}</td></tr>`,
    )
    .join('\n');
  const table = u.groups.length
    ? `<table><thead><tr><th class="num">#</th><th>市民问题（已脱敏）</th><th class="num">次数</th><th class="num">未理解</th><th>低置信答复的事项</th></tr></thead><tbody>
${rows}</tbody></table>`
    : '';
  const note = `<p class="note">共 ${fmt(u.messages)} 条未能理解或低置信度答复的消息${u.truncated ? '（仅统计最近的部分）' : ''}，按归一化后的文本合并相同问题。</p>`;
  return panel('unanswered', '未解决诉求', chart + note + table);
}

function staffTimes(a: ServiceAnalytics): string {
  const row = (label: string, s: ServiceAnalytics['staff']['firstResponse']) =>
    `<tr><td>${esc(label)}</td><td class="num">${esc(formatDuration(s.medianSeconds))}</td><td class="num">${esc(formatDuration(s.p90Seconds))}</td><td class="num">${fmt(s.count)}</td></tr>`;
  const table = `<table data-testid="staff-times"><thead><tr><th></th><th class="num">中位数</th><th class="num">90% 在此之内</th><th class="num">会话数</th></tr></thead><tbody>
${row('首次响应（转人工 → 坐席首条回复）', a.staff.firstResponse)}
${row('办结（转人工 → 坐席结束会话）', a.staff.resolution)}
</tbody></table>`;
  const chart = barChart({
    id: 'staff-times',
    title: '人工响应时长',
    items: [
      {
        label: '首次响应 中位数',
        value: a.staff.firstResponse.medianSeconds ?? 0,
        valueText: formatDuration(a.staff.firstResponse.medianSeconds),
      },
      { label: '首次响应 P90', value: a.staff.firstResponse.p90Seconds ?? 0, valueText: formatDuration(a.staff.firstResponse.p90Seconds) },
      { label: '办结 中位数', value: a.staff.resolution.medianSeconds ?? 0, valueText: formatDuration(a.staff.resolution.medianSeconds) },
      { label: '办结 P90', value: a.staff.resolution.p90Seconds ?? 0, valueText: formatDuration(a.staff.resolution.p90Seconds) },
    ],
    color: '#3182ce',
    width: 540,
  });
  return panel('staff', '人工响应时长', table + chart);
}

function ticketWork(a: ServiceAnalytics): string {
  const w = a.ticketWork;
  const d = w.dispatch;
  const rows = w.departments
    .map(
      (x) =>
        `<tr><td>${esc(x.name)}</td><td class="num">${fmt(x.filed)}</td><td class="num">${fmt(x.open)}</td><td class="num">${fmt(x.resolved)}</td><td class="num">${fmt(x.returned)}</td><td class="num">${fmt(x.overdue)}</td><td class="num">${esc(formatDuration(x.timeToResult.medianSeconds))}</td><td class="num">${esc(formatDuration(x.timeToResult.p90Seconds))}</td></tr>`,
    )
    .join('\n');
  const table = w.departments.length
    ? `<table data-testid="tickets-by-department"><thead><tr><th>承办部门</th><th class="num">受理</th><th class="num">未办结</th><th class="num">已办结</th><th class="num">退回</th><th class="num">超期</th><th class="num">办结用时 中位数</th><th class="num">90% 在此之内</th></tr></thead><tbody>
${rows}</tbody></table>`
    : '<p class="note">本时段没有工单。</p>';
  const dispatch = `<p class="note" data-testid="ticket-dispatch">派单：模型派单并保持 ${fmt(d.automatic)} 件（${pct(d.automaticShare)}），人工改派模型结果 ${fmt(d.corrected)} 件（${pct(d.correctedShare)}），待分派后人工派单 ${fmt(d.manual)} 件，仍待分派 ${fmt(d.unassigned)} 件。超期未办结 ${fmt(w.overdue)} 件，紧急未办结 ${fmt(w.urgentOpen)} 件。</p>`;
  return panel('tickets', `工单办理（${fmt(w.filed)} 件）`, table + dispatch);
}

function ratings(a: ServiceAnalytics): string {
  const r = a.ratings;
  const dist = barChart({
    id: 'ratings',
    title: '好差评分布',
    items: r.total ? r.levels.map((l) => ({ label: l.label, value: l.count, valueText: `${fmt(l.count)}（${pct(l.share)}）` })) : [],
    color: '#16a34a',
    width: 540,
  });
  const trend = lineChart({
    id: 'satisfaction',
    title: '每日满意率',
    days: r.days.map((d) => d.day),
    series: [{ label: '满意率', color: '#16a34a', values: r.days.map((d) => d.rate) }],
    percent: true,
    width: 540,
    height: 200,
  });
  return panel('ratings', `好差评（满意率 ${pct(r.satisfaction)}）`, `${dist}<h2>满意率趋势</h2>${trend}`);
}

function hours(a: ServiceAnalytics): string {
  const p = a.hours.peak;
  const peak = p
    ? `<p class="note">最忙：${esc(WEEKDAYS[p.weekday] ?? '')} ${p.hour}:00–${p.hour + 1}:00，共 ${fmt(p.count)} 条。</p>`
    : '';
  const chart = heatMap({
    id: 'hours',
    title: '繁忙时段（星期 × 小时）',
    rows: WEEKDAYS,
    cols: Array.from({ length: 24 }, (_, h) => String(h)),
    values: a.hours.grid,
    color: '#c8102e',
    unit: '条',
    colName: (h) => `${h}:00–${h + 1}:00`,
    width: 1100,
  });
  return panel('hours', '繁忙时段', chart + peak);
}

function definitions(a: ServiceAnalytics): string {
  const items: Array<[string, string]> = [
    ['市民消息', '市民发来的每一条消息，含人工会话期间的消息；市民人数按会话（渠道 + 用户）去重。'],
    [
      '智能解答率',
      '智能解答 ÷（智能解答 + 转人工/回电 + 未能理解）。智能解答：助手直接答复、引导办理的一步、完成办理或取消；转人工/回电：转入人工队列，或非工作时间登记回电；未能理解：超出服务范围或把握不足。人工会话期间的消息和好差评回复不计入。',
    ],
    ['热门事项', '按助手识别的事项统计，不含问候、确认等对话和未识别的消息。'],
    [
      '未解决诉求',
      `助手未能理解的消息，以及把握不足（置信度低于 ${pct(a.lowConfidence, 0)}）仍作答或开始办理的消息（不含问候、确认等对话和办理过程中的回答）；忽略标点、繁简、数字和客套语后相同、或几乎相同的问题合并为一组，与语料审核的分组一致。`,
    ],
    [
      '人工响应时长',
      '首次响应：从转人工到坐席发出第一条回复；办结：从转人工到坐席结束会话（市民离开、超时收回和转为回电的不计）。中位数与 90% 分位取实际发生的时长（最近秩法）。',
    ],
    ['满意率', '好差评中“满意”和“非常满意”所占比例，按评价日期统计。'],
    [
      '工单办理',
      '本时段受理的工单按当前承办部门统计；办结用时为受理到“已办结”，取中位数与 90% 分位；超期为截至报告生成时仍未办结且已过办理时限（按工作日计）；紧急为非工作时间登记的紧急求助工单。模型派单并保持：派单模型给出的部门未被改动；人工改派：坐席改动了模型给出的部门；模型占比 = 保持 ÷（保持 + 改派）。',
    ],
    ['时间与隐私', '日期和时段均为北京时间；问题文本中的身份证号、电话、银行卡、门牌号等已脱敏。'],
  ];
  return `<section class="panel defs" data-testid="panel-definitions"><h2>口径说明</h2><dl>${items
    .map(([t, d]) => `<dt>${esc(t)}</dt><dd>${esc(d)}</dd>`)
    .join('')}</dl></section>`;
}

/** A one-message page in the report's style (login needed, no permission, a bad range). */
export function renderNotice(title: string, message: string, link: { href: string; label: string }): string {
  return `${documentHead(`${title} · 问政`)}
<body>
<header class="top"><div><h1>问政 · 服务数据分析</h1></div></header>
<main><section class="panel" data-testid="notice"><h2>${esc(title)}</h2><p>${esc(message)}</p><p><a href="${esc(link.href)}">${esc(link.label)}</a></p></section></main>
</body>
</html>
`;
}
