/** Word lists of the sales demo data: names with pinyin, company name parts, places, phrases. */

/** A word and its pinyin (for logins, e-mail addresses and web sites). */
export type Word = readonly [hanzi: string, pinyin: string];

/** Common surnames, most frequent first, with relative weights. */
export const SURNAMES: ReadonlyArray<readonly [Word, number]> = [
  [['王', 'wang'], 72],
  [['李', 'li'], 70],
  [['张', 'zhang'], 66],
  [['刘', 'liu'], 52],
  [['陈', 'chen'], 45],
  [['杨', 'yang'], 32],
  [['黄', 'huang'], 23],
  [['赵', 'zhao'], 20],
  [['吴', 'wu'], 19],
  [['周', 'zhou'], 18],
  [['徐', 'xu'], 13],
  [['孙', 'sun'], 12],
  [['马', 'ma'], 12],
  [['朱', 'zhu'], 11],
  [['胡', 'hu'], 10],
  [['郭', 'guo'], 10],
  [['何', 'he'], 9],
  [['高', 'gao'], 9],
  [['林', 'lin'], 9],
  [['罗', 'luo'], 8],
  [['郑', 'zheng'], 8],
  [['梁', 'liang'], 8],
  [['谢', 'xie'], 7],
  [['宋', 'song'], 6],
  [['唐', 'tang'], 6],
  [['许', 'xu'], 6],
  [['韩', 'han'], 5],
  [['冯', 'feng'], 5],
  [['邓', 'deng'], 5],
  [['曹', 'cao'], 5],
  [['彭', 'peng'], 5],
  [['曾', 'zeng'], 4],
  [['肖', 'xiao'], 4],
  [['田', 'tian'], 4],
  [['董', 'dong'], 4],
  [['袁', 'yuan'], 4],
  [['潘', 'pan'], 3],
  [['于', 'yu'], 3],
  [['蒋', 'jiang'], 3],
  [['蔡', 'cai'], 3],
  [['杜', 'du'], 3],
  [['叶', 'ye'], 3],
  [['程', 'cheng'], 3],
  [['苏', 'su'], 3],
  [['魏', 'wei'], 3],
  [['吕', 'lv'], 2],
  [['丁', 'ding'], 2],
  [['任', 'ren'], 2],
  [['沈', 'shen'], 2],
  [['欧阳', 'ouyang'], 1],
];

/** Characters of given names. */
export const GIVEN: readonly Word[] = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['艳', 'yan'],
  ['杰', 'jie'],
  ['娟', 'juan'],
  ['涛', 'tao'],
  ['明', 'ming'],
  ['超', 'chao'],
  ['秀', 'xiu'],
  ['霞', 'xia'],
  ['平', 'ping'],
  ['刚', 'gang'],
  ['英', 'ying'],
  ['华', 'hua'],
  ['玉', 'yu'],
  ['萍', 'ping'],
  ['红', 'hong'],
  ['建', 'jian'],
  ['文', 'wen'],
  ['辉', 'hui'],
  ['鑫', 'xin'],
  ['宇', 'yu'],
  ['浩', 'hao'],
  ['晨', 'chen'],
  ['欣', 'xin'],
  ['怡', 'yi'],
  ['佳', 'jia'],
  ['子', 'zi'],
  ['梓', 'zi'],
  ['轩', 'xuan'],
  ['涵', 'han'],
  ['博', 'bo'],
  ['雨', 'yu'],
  ['思', 'si'],
  ['嘉', 'jia'],
  ['晓', 'xiao'],
  ['志', 'zhi'],
  ['海', 'hai'],
  ['婷', 'ting'],
  ['雪', 'xue'],
  ['琳', 'lin'],
  ['颖', 'ying'],
  ['倩', 'qian'],
  ['慧', 'hui'],
  ['凯', 'kai'],
  ['鹏', 'peng'],
  ['斌', 'bin'],
  ['飞', 'fei'],
  ['俊', 'jun'],
  ['峰', 'feng'],
  ['琪', 'qi'],
];

/** First and second syllables of brand names (锐 + 思 → 锐思). */
export const BRAND_FIRST: readonly Word[] = [
  ['华', 'hua'],
  ['恒', 'heng'],
  ['锐', 'rui'],
  ['博', 'bo'],
  ['中', 'zhong'],
  ['新', 'xin'],
  ['天', 'tian'],
  ['安', 'an'],
  ['宏', 'hong'],
  ['瑞', 'rui'],
  ['德', 'de'],
  ['汇', 'hui'],
  ['创', 'chuang'],
  ['卓', 'zhuo'],
  ['君', 'jun'],
  ['鼎', 'ding'],
  ['信', 'xin'],
  ['泰', 'tai'],
  ['凯', 'kai'],
  ['正', 'zheng'],
  ['诚', 'cheng'],
  ['佳', 'jia'],
  ['盛', 'sheng'],
  ['联', 'lian'],
  ['明', 'ming'],
  ['智', 'zhi'],
  ['启', 'qi'],
  ['同', 'tong'],
  ['金', 'jin'],
  ['长', 'chang'],
  ['东', 'dong'],
  ['海', 'hai'],
  ['睿', 'rui'],
  ['万', 'wan'],
  ['远', 'yuan'],
  ['永', 'yong'],
  ['嘉', 'jia'],
  ['康', 'kang'],
  ['诺', 'nuo'],
  ['优', 'you'],
];
export const BRAND_SECOND: readonly Word[] = [
  ['通', 'tong'],
  ['达', 'da'],
  ['科', 'ke'],
  ['思', 'si'],
  ['源', 'yuan'],
  ['和', 'he'],
  ['恒', 'heng'],
  ['讯', 'xun'],
  ['创', 'chuang'],
  ['丰', 'feng'],
  ['邦', 'bang'],
  ['网', 'wang'],
  ['宇', 'yu'],
  ['星', 'xing'],
  ['辰', 'chen'],
  ['航', 'hang'],
  ['拓', 'tuo'],
  ['维', 'wei'],
  ['数', 'shu'],
  ['云', 'yun'],
  ['力', 'li'],
  ['合', 'he'],
  ['成', 'cheng'],
  ['能', 'neng'],
  ['锦', 'jin'],
  ['晟', 'sheng'],
  ['驰', 'chi'],
  ['腾', 'teng'],
  ['越', 'yue'],
  ['兴', 'xing'],
  ['元', 'yuan'],
  ['岚', 'lan'],
  ['瀚', 'han'],
  ['峰', 'feng'],
  ['泽', 'ze'],
  ['景', 'jing'],
  ['盈', 'ying'],
  ['川', 'chuan'],
  ['嘉', 'jia'],
  ['途', 'tu'],
];

/** Industry words of company names, by the template's industry option id. */
export const INDUSTRY_WORDS: ReadonlyArray<readonly [industry: string, words: readonly Word[]]> = [
  [
    'it',
    [
      ['科技', 'tech'],
      ['信息技术', 'it'],
      ['软件', 'soft'],
      ['网络科技', 'net'],
      ['数据科技', 'data'],
    ],
  ],
  [
    'manufacturing',
    [
      ['机械制造', 'machinery'],
      ['精密制造', 'precision'],
      ['电子', 'electronics'],
      ['新材料', 'materials'],
      ['智能装备', 'equipment'],
    ],
  ],
  [
    'finance',
    [
      ['融资租赁', 'leasing'],
      ['投资管理', 'capital'],
      ['金融服务', 'finance'],
    ],
  ],
  [
    'retail',
    [
      ['商贸', 'trading'],
      ['电子商务', 'ecommerce'],
      ['零售连锁', 'retail'],
      ['供应链管理', 'supply'],
    ],
  ],
  [
    'healthcare',
    [
      ['医疗器械', 'medical'],
      ['生物科技', 'bio'],
      ['医药', 'pharma'],
      ['健康管理', 'health'],
    ],
  ],
  [
    'education',
    [
      ['教育科技', 'edu'],
      ['职业培训', 'training'],
      ['文化传播', 'culture'],
    ],
  ],
  [
    'energy',
    [
      ['新能源', 'energy'],
      ['环保科技', 'green'],
      ['电力工程', 'power'],
    ],
  ],
  [
    'logistics',
    [
      ['物流', 'logistics'],
      ['国际货运', 'freight'],
      ['仓储服务', 'storage'],
    ],
  ],
];

/** Legal-form endings: distinct strings, so a company name stays unique. */
export const SUFFIXES = ['有限公司', '股份有限公司'] as const;

/** A city of the demo data: its sales region, GB/T 2260 codes, districts, phone area code, weight. */
export interface City {
  name: string;
  pinyin: string;
  region: string;
  province: string;
  provinceCode: string;
  code: string;
  districts: ReadonlyArray<readonly [name: string, code: string]>;
  areaCode: string;
  /** Relative share of companies. */
  weight: number;
}

const city = (
  region: string,
  name: string,
  pinyin: string,
  province: string,
  provinceCode: string,
  code: string,
  areaCode: string,
  weight: number,
  districts: ReadonlyArray<readonly [string, string]> = [],
): City => ({ name, pinyin, region, province, provinceCode, code, districts, areaCode, weight });

/** Cities by sales region (the template's region option ids). */
export const CITIES: readonly City[] = [
  city('east', '上海', 'shanghai', '上海市', '310000', '310100', '021', 10, [
    ['浦东新区', '310115'],
    ['徐汇区', '310104'],
    ['静安区', '310106'],
    ['闵行区', '310112'],
    ['长宁区', '310105'],
  ]),
  city('east', '杭州', 'hangzhou', '浙江省', '330000', '330100', '0571', 6, [
    ['西湖区', '330106'],
    ['滨江区', '330108'],
    ['余杭区', '330110'],
  ]),
  city('east', '宁波', 'ningbo', '浙江省', '330000', '330200', '0574', 3),
  city('east', '南京', 'nanjing', '江苏省', '320000', '320100', '025', 5, [
    ['鼓楼区', '320106'],
    ['玄武区', '320102'],
  ]),
  city('east', '苏州', 'suzhou', '江苏省', '320000', '320500', '0512', 5, [['姑苏区', '320508']]),
  city('east', '无锡', 'wuxi', '江苏省', '320000', '320200', '0510', 2),
  city('east', '合肥', 'hefei', '安徽省', '340000', '340100', '0551', 3),
  city('east', '济南', 'jinan', '山东省', '370000', '370100', '0531', 2),
  city('east', '青岛', 'qingdao', '山东省', '370000', '370200', '0532', 3),
  city('east', '福州', 'fuzhou', '福建省', '350000', '350100', '0591', 2),
  city('east', '厦门', 'xiamen', '福建省', '350000', '350200', '0592', 3),
  city('south', '广州', 'guangzhou', '广东省', '440000', '440100', '020', 7, [
    ['天河区', '440106'],
    ['越秀区', '440104'],
    ['海珠区', '440105'],
  ]),
  city('south', '深圳', 'shenzhen', '广东省', '440000', '440300', '0755', 8, [
    ['南山区', '440305'],
    ['福田区', '440304'],
    ['宝安区', '440306'],
    ['龙岗区', '440307'],
  ]),
  city('south', '东莞', 'dongguan', '广东省', '440000', '441900', '0769', 3),
  city('south', '佛山', 'foshan', '广东省', '440000', '440600', '0757', 3),
  city('south', '南宁', 'nanning', '广西壮族自治区', '450000', '450100', '0771', 1),
  city('south', '海口', 'haikou', '海南省', '460000', '460100', '0898', 1),
  city('north', '北京', 'beijing', '北京市', '110000', '110100', '010', 8, [
    ['海淀区', '110108'],
    ['朝阳区', '110105'],
    ['东城区', '110101'],
    ['西城区', '110102'],
  ]),
  city('north', '天津', 'tianjin', '天津市', '120000', '120100', '022', 3),
  city('north', '石家庄', 'shijiazhuang', '河北省', '130000', '130100', '0311', 2),
  city('north', '太原', 'taiyuan', '山西省', '140000', '140100', '0351', 1),
  city('north', '呼和浩特', 'huhehaote', '内蒙古自治区', '150000', '150100', '0471', 1),
  city('central', '武汉', 'wuhan', '湖北省', '420000', '420100', '027', 4, [
    ['洪山区', '420111'],
    ['江汉区', '420103'],
  ]),
  city('central', '长沙', 'changsha', '湖南省', '430000', '430100', '0731', 3),
  city('central', '郑州', 'zhengzhou', '河南省', '410000', '410100', '0371', 3),
  city('central', '南昌', 'nanchang', '江西省', '360000', '360100', '0791', 2),
  city('southwest', '成都', 'chengdu', '四川省', '510000', '510100', '028', 5, [
    ['武侯区', '510107'],
    ['锦江区', '510104'],
  ]),
  city('southwest', '重庆', 'chongqing', '重庆市', '500000', '500100', '023', 4, [['渝中区', '500103']]),
  city('southwest', '昆明', 'kunming', '云南省', '530000', '530100', '0871', 2),
  city('southwest', '贵阳', 'guiyang', '贵州省', '520000', '520100', '0851', 1),
  city('northwest', '西安', 'xian', '陕西省', '610000', '610100', '029', 3, [['雁塔区', '610113']]),
  city('northwest', '兰州', 'lanzhou', '甘肃省', '620000', '620100', '0931', 1),
  city('northwest', '乌鲁木齐', 'wulumuqi', '新疆维吾尔自治区', '650000', '650100', '0991', 1),
  city('northwest', '银川', 'yinchuan', '宁夏回族自治区', '640000', '640100', '0951', 1),
  city('northeast', '沈阳', 'shenyang', '辽宁省', '210000', '210100', '024', 2),
  city('northeast', '大连', 'dalian', '辽宁省', '210000', '210200', '0411', 2),
  city('northeast', '长春', 'changchun', '吉林省', '220000', '220100', '0431', 1),
  city('northeast', '哈尔滨', 'haerbin', '黑龙江省', '230000', '230100', '0451', 2),
];

/** Streets for addresses. */
export const STREETS = [
  '人民路',
  '中山路',
  '解放路',
  '建设路',
  '科技路',
  '创业大道',
  '滨江大道',
  '世纪大道',
  '高新大道',
  '长江路',
];

/** Job titles of contacts, by weight. */
export const TITLES: ReadonlyArray<readonly [string, number]> = [
  ['总经理', 6],
  ['副总经理', 5],
  ['采购经理', 12],
  ['IT经理', 12],
  ['信息中心主任', 6],
  ['运营总监', 6],
  ['财务总监', 4],
  ['销售总监', 6],
  ['市场经理', 8],
  ['行政主管', 5],
  ['技术负责人', 8],
  ['CIO', 3],
];

/** Follow-up summaries by kind. */
export const FOLLOW_UPS: Record<string, readonly string[]> = {
  call: ['电话沟通初步需求', '电话回访，客户关注价格', '电话确认预算与时间表', '电话跟进方案反馈'],
  visit: ['上门拜访，了解现有系统', '拜访决策人，介绍产品', '现场调研业务流程'],
  meeting: ['线上会议演示产品', '与IT部门技术交流', '商务谈判会议'],
  wechat: ['微信发送产品资料', '微信沟通试用安排'],
  email: ['邮件发送报价单', '邮件发送客户案例'],
};

/** Next steps noted on follow-ups. */
export const NEXT_STEPS = [
  '安排产品演示',
  '发送正式报价',
  '约见决策人',
  '准备试用环境',
  '跟进合同条款',
  '等待客户内部评估',
];

/** Why deals were lost. */
export const LOSS_REASONS = [
  '价格高于竞品',
  '客户预算削减',
  '选择了竞争对手',
  '项目延期至明年',
  '需求与产品不匹配',
];

/** Why leads were marked invalid. */
export const INVALID_REASONS = ['空号，无法联系', '重复线索', '暂无采购需求', '个人咨询，非企业客户'];

/** Tasks that come up around leads and deals. */
export const TASKS = [
  '准备方案报价',
  '安排产品演示',
  '发送合同草稿',
  '确认采购流程',
  '回访试用情况',
  '整理客户需求清单',
];

/** Products: code, name, list price (CNY), whether sold by the day (services) rather than by licence. */
export const PRODUCTS: ReadonlyArray<readonly [code: string, name: string, price: number, daily: boolean]> = [
  ['DG-CRM-STD', '斗拱 CRM 标准版（年）', 19800, false],
  ['DG-CRM-PRO', '斗拱 CRM 专业版（年）', 49800, false],
  ['DG-CRM-ENT', '斗拱 CRM 企业版（年）', 128000, false],
  ['DG-MKT', '营销自动化模块（年）', 36000, false],
  ['DG-SVC', '客服工单模块（年）', 28000, false],
  ['DG-BI', '数据分析模块（年）', 42000, false],
  ['DG-API', '开放接口包（年）', 15000, false],
  ['DG-IMPL', '实施服务（人天）', 2500, true],
  ['DG-TRAIN', '培训服务（人天）', 2000, true],
  ['DG-CUSTOM', '定制开发（人天）', 3000, true],
  ['DG-SMS', '短信包（万条）', 450, false],
  ['DG-STORAGE', '存储扩容（100GB/年）', 1200, false],
];

/** Campaign themes and the channel they run in. */
export const CAMPAIGNS: ReadonlyArray<readonly [theme: string, channel: string]> = [
  ['数字化转型研讨会', 'webinar'],
  ['智能制造展', 'trade_show'],
  ['客户成功案例分享会', 'webinar'],
  ['搜索引擎推广', 'ads'],
  ['行业白皮书发布', 'content'],
  ['新品发布邮件', 'email'],
  ['零售数字化峰会', 'trade_show'],
  ['销售管理公开课', 'webinar'],
];

/** Where web leads came from (`utm_source`, `utm_medium`). */
export const UTM: ReadonlyArray<readonly [source: string, medium: string]> = [
  ['baidu', 'cpc'],
  ['wechat', 'social'],
  ['zhihu', 'content'],
  ['36kr', 'referral'],
  ['newsletter', 'email'],
];
