import type { AppDocument, Form } from '@dougong/schema';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** The order form: sections and tabs, linkage, validation, data linkage, sub-table totals. */
export const ORDER_FORM: Form = {
  id: 'order_full',
  entity: 'order',
  label: L('订单', 'Order'),
  kind: 'full',
  layout: [
    {
      id: 'main',
      kind: 'section',
      label: L('基本信息', 'Basics'),
      columns: 2,
      children: [
        { id: 'n-title', kind: 'field', fieldId: 'title' },
        { id: 'n-customer', kind: 'field', fieldId: 'customer' },
        { id: 'n-contact', kind: 'field', fieldId: 'contact' },
        { id: 'n-region', kind: 'field', fieldId: 'region', widget: 'radio' },
        { id: 'n-stage', kind: 'field', fieldId: 'stage' },
        { id: 'n-loss', kind: 'field', fieldId: 'loss_reason', span: 2 },
        { id: 'n-probability', kind: 'field', fieldId: 'probability' },
      ],
    },
    {
      id: 'more',
      kind: 'tabs',
      tabs: [
        {
          id: 'tab-lines',
          label: L('明细', 'Lines'),
          children: [
            { id: 'n-lines', kind: 'field', fieldId: 'lines', span: 2 },
            { id: 'n-total', kind: 'field', fieldId: 'total' },
            { id: 'n-discount', kind: 'field', fieldId: 'discount' },
          ],
        },
        {
          id: 'tab-notes',
          label: L('备注', 'Notes'),
          children: [
            { id: 'hint', kind: 'text', text: L('内部备注', 'Internal notes') },
            { id: 'n-notes', kind: 'field', fieldId: 'notes' },
          ],
        },
      ],
    },
  ],
  linkage: [
    {
      id: 'loss-shown',
      when: { '==': [{ var: 'stage' }, 'lost'] },
      action: 'show',
      fields: ['lossReason'],
    },
    {
      id: 'loss-required',
      when: { '==': [{ var: 'stage' }, 'lost'] },
      action: 'require',
      fields: ['lossReason'],
    },
    {
      id: 'won-probability',
      when: { '==': [{ var: 'stage' }, 'won'] },
      action: 'setValue',
      fields: ['probability'],
      value: '100',
    },
    {
      id: 'won-locked',
      when: { '==': [{ var: 'stage' }, 'won'] },
      action: 'readOnly',
      fields: ['probability'],
    },
    {
      id: 'gift-note',
      subTable: 'lines',
      when: { dec_eq: [{ var: 'price' }, '0'] },
      action: 'require',
      fields: ['note'],
    },
  ],
  validation: [
    {
      id: 'discount-max',
      when: { is_not_empty: [{ var: 'discount' }] },
      condition: { dec_lte: [{ var: 'discount' }, { var: 'total' }] },
      message: L('折扣不能超过合计', 'The discount cannot exceed the total'),
      path: 'discount',
    },
    {
      id: 'qty-max',
      subTable: 'lines',
      condition: { '<=': [{ var: 'qty' }, 1000] },
      message: L('单行数量不能超过 1000', 'At most 1000 per line'),
      path: 'qty',
    },
  ],
  dataLinkage: [
    {
      id: 'from-customer',
      field: 'customer',
      copy: [
        { from: 'contact_name', to: 'contact' },
        { from: 'region', to: 'region' },
      ],
    },
    {
      id: 'from-product',
      subTable: 'lines',
      field: 'product',
      copy: [{ from: 'price', to: 'price' }],
      overwrite: false,
    },
  ],
};

/** A small app: customers, products, orders with lines. */
export function orderApp(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'shop',
    label: L('商店', 'Shop'),
    timeZone: 'Asia/Shanghai',
    entities: [
      {
        id: 'customer',
        key: 'customer',
        label: L('客户', 'Customer'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称', 'Name'), required: true },
          { id: 'contact_name', key: 'contactName', type: 'text', label: L('联系人', 'Contact') },
          {
            id: 'region',
            key: 'region',
            type: 'singleSelect',
            label: L('大区', 'Region'),
            options: [
              { id: 'east', label: L('华东', 'East') },
              { id: 'north', label: L('华北', 'North') },
            ],
          },
        ],
      },
      {
        id: 'product',
        key: 'product',
        label: L('产品', 'Product'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称', 'Name'), required: true },
          { id: 'price', key: 'price', type: 'money', label: L('单价', 'Price') },
        ],
      },
      {
        id: 'order',
        key: 'order',
        label: L('订单', 'Order'),
        titleField: 'title',
        fields: [
          {
            id: 'title',
            key: 'title',
            type: 'text',
            label: L('标题', 'Title'),
            required: true,
            maxLength: 20,
          },
          {
            id: 'customer',
            key: 'customer',
            type: 'reference',
            target: 'customer',
            label: L('客户', 'Customer'),
          },
          { id: 'contact', key: 'contact', type: 'text', label: L('联系人', 'Contact') },
          {
            id: 'region',
            key: 'region',
            type: 'singleSelect',
            label: L('大区', 'Region'),
            options: [
              { id: 'east', label: L('华东', 'East') },
              { id: 'north', label: L('华北', 'North') },
            ],
          },
          {
            id: 'stage',
            key: 'stage',
            type: 'singleSelect',
            label: L('阶段', 'Stage'),
            default: 'open',
            options: [
              { id: 'open', label: L('进行中', 'Open') },
              { id: 'won', label: L('赢单', 'Won') },
              { id: 'lost', label: L('输单', 'Lost') },
            ],
          },
          { id: 'loss_reason', key: 'lossReason', type: 'longText', label: L('输单原因', 'Loss reason') },
          { id: 'probability', key: 'probability', type: 'percent', label: L('赢率', 'Probability') },
          {
            id: 'lines',
            key: 'lines',
            type: 'subTable',
            childEntity: 'order_line',
            label: L('明细', 'Lines'),
          },
          {
            id: 'total',
            key: 'total',
            type: 'formula',
            resultType: 'decimal',
            label: L('合计', 'Total'),
            expression: {
              reduce: [
                { var: 'lines' },
                { dec_add: [{ var: 'accumulator' }, { var: 'current.amount' }] },
                '0',
              ],
            },
          },
          { id: 'discount', key: 'discount', type: 'money', label: L('折扣', 'Discount') },
          { id: 'notes', key: 'notes', type: 'longText', label: L('备注', 'Notes') },
          {
            id: 'created_on',
            key: 'createdOn',
            type: 'date',
            label: L('下单日', 'Ordered on'),
            default: 'today',
          },
        ],
      },
      {
        id: 'order_line',
        key: 'orderLine',
        kind: 'child',
        label: L('订单行', 'Order line'),
        fields: [
          {
            id: 'product',
            key: 'product',
            type: 'reference',
            target: 'product',
            label: L('产品', 'Product'),
          },
          {
            id: 'qty',
            key: 'qty',
            type: 'number',
            integer: true,
            min: 1,
            required: true,
            label: L('数量', 'Qty'),
          },
          { id: 'price', key: 'price', type: 'money', required: true, label: L('单价', 'Price') },
          {
            id: 'amount',
            key: 'amount',
            type: 'formula',
            resultType: 'decimal',
            label: L('金额', 'Amount'),
            expression: { dec_mul: [{ var: 'qty' }, { var: 'price' }] },
          },
          { id: 'note', key: 'note', type: 'text', label: L('备注', 'Note') },
        ],
      },
    ],
    forms: [ORDER_FORM],
  };
}
