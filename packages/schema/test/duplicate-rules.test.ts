import { describe, expect, it } from 'vitest';
import { type AppDocument, appModel, duplicateKeys, matchValue, validateAppDocument } from '../src/index.js';

const L = (zh: string) => ({ 'zh-CN': zh });

function crm(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'crm',
    label: L('客户'),
    entities: [
      {
        id: 'account',
        key: 'account',
        label: L('客户'),
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称') },
          { id: 'mobile', key: 'mobile', type: 'phone', label: L('手机') },
          { id: 'email', key: 'email', type: 'email', label: L('邮箱') },
          { id: 'city', key: 'city', type: 'text', label: L('城市') },
          { id: 'notes', key: 'notes', type: 'longText', label: L('备注') },
        ],
        duplicateRules: [
          { id: 'by_name', label: L('名称相似'), fields: ['name'], match: 'companyName' },
          { id: 'by_mobile', label: L('手机相同'), fields: ['mobile'], match: 'phone' },
          { id: 'by_email', label: L('邮箱相同'), fields: ['email'], match: 'email' },
          { id: 'by_name_city', label: L('名称与城市'), fields: ['name', 'city'], match: 'exact' },
        ],
        related: [
          { id: 'visits', entity: 'visit', field: 'deal', through: { entity: 'deal', field: 'account' } },
        ],
      },
      {
        id: 'deal',
        key: 'deal',
        label: L('商机'),
        fields: [{ id: 'account', key: 'account', type: 'reference', target: 'account', label: L('客户') }],
      },
      {
        id: 'visit',
        key: 'visit',
        label: L('拜访'),
        fields: [{ id: 'deal', key: 'deal', type: 'reference', target: 'deal', label: L('商机') }],
      },
    ],
  };
}

describe('duplicate keys', () => {
  it.each([
    ['phone', '+86 138-0013-8000', '13800138000'],
    ['phone', '0086 13800138000', '13800138000'],
    ['phone', '138 0013 8000', '13800138000'],
    ['phone', '021-6234 5678', '02162345678'],
    ['phone', '12', null],
    ['email', '  Zhang.Wei@Example.COM ', 'zhang.wei@example.com'],
    ['companyName', '上海 华东机械股份有限公司', '上海华东机械'],
    ['companyName', '上海华东机械有限公司', '上海华东机械'],
    ['exact', '  Foo   Bar ', 'foo bar'],
    ['exact', 'ＡＢＣ', 'abc'],
    ['exact', '', null],
    ['exact', null, null],
  ] as const)('%s(%j) → %j', (match, value, expected) => {
    expect(matchValue(match, value)).toBe(expected);
  });

  it('keys a record under every rule whose fields are all filled', () => {
    const model = appModel(crm()).entitiesById.get('account')!;
    expect(duplicateKeys(model, { name: '华东机械有限公司', mobile: '13800138000', city: ' 上海 ' })).toEqual(
      [
        { ruleId: 'by_name', key: '华东机械' },
        { ruleId: 'by_mobile', key: '13800138000' },
        { ruleId: 'by_name_city', key: '华东机械有限公司\u001f上海' },
      ],
    );
    expect(duplicateKeys(model, { notes: 'x' })).toEqual([]);
  });
});

describe('duplicate rules and related lists in metadata', () => {
  it('accepts rules whose fields exist and fit the match', () => {
    const result = validateAppDocument(crm());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('names the offending rule field, match and related path', () => {
    const doc = crm();
    const account = doc.entities[0]!;
    account.duplicateRules = [
      { id: 'a', label: L('甲'), fields: ['nope'], match: 'exact' },
      { id: 'a', label: L('乙'), fields: ['notes'], match: 'exact' },
      { id: 'c', label: L('丙'), fields: ['mobile'], match: 'companyName' },
      { id: 'd', label: L('丁'), fields: ['name'], match: 'fuzzy' as 'exact' },
    ];
    account.related = [
      { id: 'r', entity: 'visit', field: 'deal', through: { entity: 'visit', field: 'deal' } },
      { id: 's', entity: 'deal', field: 'account', through: { entity: 'deal', field: 'account' } },
    ];
    const result = validateAppDocument(doc);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toContain('/entities/0/duplicateRules/3/match');
    delete (account.duplicateRules as unknown[])[3];
    account.duplicateRules.length = 3;
    const semantic = validateAppDocument(doc);
    expect(semantic.ok ? [] : semantic.issues.map((i) => i.path).sort()).toEqual(
      [
        '/entities/0/duplicateRules/0/fields/0',
        '/entities/0/duplicateRules/1/id',
        '/entities/0/duplicateRules/1/fields/0',
        '/entities/0/duplicateRules/2/fields/0',
        '/entities/0/related/0/through/field',
        '/entities/0/related/0/field',
        '/entities/0/related/1/field',
      ].sort(),
    );
  });
});
