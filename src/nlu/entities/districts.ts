/** Shanghai's 16 districts, with the short and former names citizens use. */
import type { DistrictEntity } from '../../core/entities.js';

export const DISTRICTS: Readonly<Record<string, readonly string[]>> = {
  浦东新区: ['浦东', '浦东新区', '南汇'],
  黄浦区: ['黄浦', '黄浦区', '卢湾', '南市'],
  徐汇区: ['徐汇', '徐汇区', '徐家汇'],
  长宁区: ['长宁', '长宁区'],
  静安区: ['静安', '静安区', '闸北'],
  普陀区: ['普陀', '普陀区'],
  虹口区: ['虹口', '虹口区'],
  杨浦区: ['杨浦', '杨浦区'],
  闵行区: ['闵行', '闵行区'],
  宝山区: ['宝山', '宝山区'],
  嘉定区: ['嘉定', '嘉定区'],
  金山区: ['金山', '金山区'],
  松江区: ['松江', '松江区'],
  青浦区: ['青浦', '青浦区'],
  奉贤区: ['奉贤', '奉贤区'],
  崇明区: ['崇明', '崇明区', '崇明县', '崇明岛'],
};

const aliasToDistrict = new Map<string, string>();
for (const [name, aliases] of Object.entries(DISTRICTS)) {
  for (const alias of aliases) aliasToDistrict.set(alias, name);
}

// Longest alias first so 浦东新区 wins over 浦东. Look-aheads keep out names
// that merely contain an alias: 黄浦江 is a river, 普陀山 is in Zhejiang,
// 金山银山 is an idiom, 宝山路 can be a street elsewhere but is usually in
// Shanghai, so it stays.
const PATTERN = new RegExp(`(${[...aliasToDistrict.keys()].sort((a, b) => b.length - a.length).join('|')})(?!江|山(?!区)|银山)`, 'gu');

export function extractDistricts(text: string): DistrictEntity[] {
  const out: DistrictEntity[] = [];
  for (const m of text.matchAll(PATTERN)) {
    const alias = m[1] as string;
    out.push({ type: 'district', value: aliasToDistrict.get(alias) as string, text: alias, start: m.index, end: m.index + alias.length });
  }
  return out;
}
