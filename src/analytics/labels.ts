/**
 * 中文 names (intents, channels, weekdays, ticket kinds) for reports read by officials; the stable ids
 * stay in the JSON and CSV. An intent missing here (a new one) shows its id.
 */
import { OUT_OF_SCOPE } from '../core/parse.js';

const LABELS: Record<string, string> = {
  greeting: '问候',
  thanks: '致谢',
  goodbye: '告别',
  human_agent: '要求转人工',
  bot_help: '询问助手功能',
  affirm: '确认',
  deny: '否认',
  cancel: '取消',
  housing_fund_withdraw: '公积金提取',
  housing_fund_loan: '公积金贷款',
  housing_fund_account: '公积金账户',
  real_estate: '不动产登记',
  public_housing: '公租房/保障房',
  residence_permit: '居住证',
  hukou: '户口',
  id_card: '身份证',
  exit_entry: '出入境',
  marriage: '婚姻登记',
  birth: '生育',
  school_enrollment: '入学',
  hospital: '就医',
  vaccination: '疫苗接种',
  business_registration: '企业登记',
  individual_tax: '个人所得税',
  garbage_sorting: '垃圾分类',
  utilities: '水电燃气',
  weather: '天气',
  elderly_care: '养老服务',
  service_hall: '办事地点',
  appointment: '预约办事',
  progress_query: '进度查询',
  complaint: '投诉',
  suggestion: '意见建议',
  online_account: '网上办事账号',
  policy_news: '政策动态',
  emergency: '紧急求助',
  social_security_card: '社保卡',
  social_insurance: '社会保险',
  pension: '养老金',
  medical_insurance: '医疗保险',
  unemployment: '失业登记/保险',
  employment: '就业',
  driving_license: '驾驶证',
  traffic_violation: '交通违法',
  vehicle_plate: '车辆号牌',
  public_transport: '公共交通',
};

/** Small talk and dialogue control: messages, but not a demand for a service. */
export const CONVERSATIONAL_INTENTS: readonly string[] = ['greeting', 'thanks', 'goodbye', 'bot_help', 'affirm', 'deny', 'cancel'];

export function intentLabel(intent: string | null): string {
  if (intent === null || intent === OUT_OF_SCOPE) return '未识别';
  return LABELS[intent] ?? intent;
}

const CHANNELS: Record<string, string> = { web: '网页', 'wechat-oa': '微信公众号', wechaty: '微信（个人/企业）', unknown: '未知' };
export const channelLabel = (channel: string): string => CHANNELS[channel] ?? channel;

/** Monday first, as Chinese calendars are printed. */
export const WEEKDAYS: readonly string[] = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

const TICKET_KINDS: Record<string, string> = { complaint: '投诉', suggestion: '意见建议', callback: '回电请求', follow_up: '差评回访' };
export const ticketKindLabel = (kind: string): string => TICKET_KINDS[kind] ?? kind;
