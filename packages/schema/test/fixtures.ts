import type { AppDocument } from '../src/index.js';

/** A small app exercising every field type. */
export function allTypesApp(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'demo',
    label: { 'zh-CN': '演示', en: 'Demo' },
    entities: [
      {
        id: 'account',
        key: 'account',
        label: { 'zh-CN': '客户', en: 'Account' },
        titleField: 'name',
        fields: [{ id: 'name', key: 'name', type: 'text', label: { 'zh-CN': '名称' }, required: true }],
      },
      {
        id: 'line',
        key: 'orderLine',
        kind: 'child',
        label: { 'zh-CN': '明细' },
        fields: [
          { id: 'product', key: 'product', type: 'text', label: { 'zh-CN': '产品' }, required: true },
          { id: 'qty', key: 'qty', type: 'number', integer: true, label: { 'zh-CN': '数量' }, min: 1 },
          { id: 'price', key: 'price', type: 'money', label: { 'zh-CN': '单价' } },
        ],
      },
      {
        id: 'order',
        key: 'order',
        label: { 'zh-CN': '订单', en: 'Order' },
        titleField: 'title',
        searchFields: ['title'],
        defaultSort: [{ field: 'createdAt', desc: true }],
        fields: [
          {
            id: 'title',
            key: 'title',
            type: 'text',
            label: { 'zh-CN': '标题' },
            required: true,
            maxLength: 100,
          },
          { id: 'notes', key: 'notes', type: 'longText', label: { 'zh-CN': '备注' } },
          { id: 'body', key: 'body', type: 'richText', label: { 'zh-CN': '正文' } },
          { id: 'count', key: 'count', type: 'number', integer: true, label: { 'zh-CN': '数量' } },
          { id: 'ratio', key: 'ratio', type: 'number', precision: 10, scale: 3, label: { 'zh-CN': '系数' } },
          { id: 'amount', key: 'amount', type: 'money', label: { 'zh-CN': '金额' } },
          { id: 'discount', key: 'discount', type: 'percent', label: { 'zh-CN': '折扣' } },
          { id: 'paid', key: 'paid', type: 'boolean', label: { 'zh-CN': '已付' } },
          { id: 'due', key: 'due', type: 'date', label: { 'zh-CN': '到期' } },
          { id: 'signed_at', key: 'signedAt', type: 'datetime', label: { 'zh-CN': '签署时间' } },
          {
            id: 'stage',
            key: 'stage',
            type: 'singleSelect',
            label: { 'zh-CN': '阶段' },
            options: [
              { id: 'new', label: { 'zh-CN': '新建' }, color: '#1677ff' },
              { id: 'won', label: { 'zh-CN': '赢单' } },
            ],
          },
          {
            id: 'tags',
            key: 'tags',
            type: 'multiSelect',
            label: { 'zh-CN': '标签' },
            options: [
              { id: 'vip', label: { 'zh-CN': '重要' } },
              { id: 'new', label: { 'zh-CN': '新' } },
            ],
          },
          { id: 'email', key: 'email', type: 'email', label: { 'zh-CN': '邮箱' } },
          { id: 'mobile', key: 'mobile', type: 'phone', label: { 'zh-CN': '手机' } },
          { id: 'site', key: 'site', type: 'url', label: { 'zh-CN': '网址' } },
          { id: 'rep', key: 'rep', type: 'user', label: { 'zh-CN': '销售' } },
          { id: 'dept', key: 'dept', type: 'department', label: { 'zh-CN': '部门' } },
          { id: 'account', key: 'account', type: 'reference', target: 'account', label: { 'zh-CN': '客户' } },
          { id: 'lines', key: 'lines', type: 'subTable', childEntity: 'line', label: { 'zh-CN': '明细' } },
          { id: 'files', key: 'files', type: 'attachment', label: { 'zh-CN': '附件' } },
          {
            id: 'no',
            key: 'no',
            type: 'autoNumber',
            pattern: 'HT-{YYYY}-{0000}',
            label: { 'zh-CN': '编号' },
          },
          {
            id: 'gross',
            key: 'gross',
            type: 'formula',
            resultType: 'decimal',
            expression: { '*': [{ var: 'count' }, 2] },
            label: { 'zh-CN': '毛额' },
          },
          { id: 'region', key: 'region', type: 'region', label: { 'zh-CN': '地区' } },
        ],
      },
    ],
  };
}
