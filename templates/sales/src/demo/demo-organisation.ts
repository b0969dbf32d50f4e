import {
  type DemoDataOptions,
  type DemoDepartment,
  type DemoOrganisation,
  type DemoUser,
  hashSeed,
  type SeededRandom,
  seeded,
} from '@dougong/template-kit';
import { GIVEN, SURNAMES } from './demo-vocabulary.js';

/** A sales group: its department ref, the cities it covers, its manager and reps (user refs). */
export interface SalesGroup {
  ref: string;
  cities: readonly string[];
  manager: string;
  reps: readonly string[];
}

/** Regions of the sales department and their groups (销售部 → 华东区 → 上海组 …). */
const REGIONS: ReadonlyArray<{
  ref: string;
  name: string;
  covers: string[];
  groups: Array<[string, string, string[]]>;
}> = [
  {
    ref: 'east',
    name: '华东区',
    covers: ['east'],
    groups: [
      ['sh', '上海组', ['上海']],
      ['hz', '杭州组', ['杭州', '宁波', '福州', '厦门']],
      ['nj', '南京组', ['南京', '苏州', '无锡', '合肥', '济南', '青岛']],
    ],
  },
  {
    ref: 'south',
    name: '华南区',
    covers: ['south'],
    groups: [
      ['gz', '广州组', ['广州', '佛山', '南宁', '海口']],
      ['sz', '深圳组', ['深圳', '东莞']],
    ],
  },
  {
    ref: 'north',
    name: '华北区',
    covers: ['north', 'northeast'],
    groups: [
      ['bj', '北京组', ['北京', '石家庄', '太原', '呼和浩特']],
      ['tj', '天津组', ['天津', '沈阳', '大连', '长春', '哈尔滨']],
    ],
  },
  {
    ref: 'central',
    name: '华中区',
    covers: ['central'],
    groups: [['wh', '武汉组', ['武汉', '长沙', '郑州', '南昌']]],
  },
  {
    ref: 'southwest',
    name: '西南区',
    covers: ['southwest', 'northwest'],
    groups: [
      ['cd', '成都组', ['成都', '昆明', '贵阳', '西安', '兰州', '乌鲁木齐', '银川']],
      ['cq', '重庆组', ['重庆']],
    ],
  },
];

const REPS_PER_GROUP = 3;

/** A Chinese name with its pinyin, drawn from `rng`. */
export function personName(rng: SeededRandom): { name: string; pinyin: string; given: string } {
  const [surname, surnamePinyin] = rng.weighted(SURNAMES);
  const first = rng.pick(GIVEN);
  const second = rng.chance(0.65) ? rng.pick(GIVEN) : undefined;
  const given = first[0] + (second?.[0] ?? '');
  return {
    name: surname + given,
    pinyin: `${first[1]}${second?.[1] ?? ''}.${surnamePinyin}`,
    given: `${first[1]}${second?.[1] ?? ''}`,
  };
}

/** The demo organisation and its sales groups; the same seed gives the same people. */
export function salesOrganisation(options: DemoDataOptions): { org: DemoOrganisation; groups: SalesGroup[] } {
  const departments: DemoDepartment[] = [
    { ref: 'sales', name: '销售部', head: 'director' },
    { ref: 'marketing', name: '市场部', head: 'marketing-lead' },
  ];
  const users: DemoUser[] = [];
  const groups: SalesGroup[] = [];
  const user = (ref: string, department: string, roles: string[]) => {
    const rng = seeded(hashSeed(options.seed, 'user', ref));
    const person = personName(rng);
    users.push({
      ref,
      login: `demo.${ref.replace(/-/g, '.')}`,
      name: person.name,
      email: `${person.pinyin}@demo.example.com`,
      mobile: `139${String(hashSeed(options.seed, 'mobile', ref) % 100_000_000).padStart(8, '0')}`,
      department,
      roles,
    });
    return ref;
  };
  user('director', 'sales', ['director']);
  for (const region of REGIONS) {
    departments.push({
      ref: region.ref,
      name: region.name,
      parent: 'sales',
      head: user(`${region.ref}-manager`, region.ref, ['manager']),
    });
    for (const [code, name, cities] of region.groups) {
      const ref = `${region.ref}-${code}`;
      const manager = user(`${ref}-manager`, ref, ['manager']);
      departments.push({ ref, name, parent: region.ref, head: manager });
      const reps = Array.from({ length: REPS_PER_GROUP }, (_, i) => user(`${ref}-rep${i + 1}`, ref, ['rep']));
      groups.push({ ref, cities, manager, reps });
    }
  }
  user('marketing-lead', 'marketing', ['marketing']);
  user('marketing-1', 'marketing', ['marketing']);
  user('marketing-2', 'marketing', ['marketing']);
  return { org: { departments, users }, groups };
}

/** The group that works a city's leads. */
export function groupFor(groups: readonly SalesGroup[], cityName: string): SalesGroup {
  return groups.find((g) => g.cities.includes(cityName)) ?? groups[0]!;
}

/** The sales region ids a region department covers, by department ref (for territories). */
export function regionsOf(groupRef: string): { region: string; name: string } {
  const region = REGIONS.find((r) => groupRef.startsWith(`${r.ref}-`))!;
  const group = region.groups.find(([code]) => `${region.ref}-${code}` === groupRef)!;
  return { region: region.covers[0]!, name: `${region.name.slice(0, 2)}-${group[1].replace('组', '')}` };
}
