import type { Locale } from '@dougong/schema';

/**
 * zh-CN wording of the record validator's messages (which are English, as the API returns them).
 * `$1`… stand for the captured parts. A message not listed is shown as it is.
 */
const ZH: ReadonlyArray<readonly [RegExp, string]> = [
  [/^is required$/, '为必填项'],
  [/^needs at least one row$/, '至少需要一行'],
  [/^is computed and cannot be written$/, '由系统计算，不能填写'],
  [/^is maintained by the system and cannot be written$/, '由系统维护，不能填写'],
  [/^must be a string$/, '必须是文本'],
  [/^must be at most (\d+) characters$/, '最多 $1 个字符'],
  [/^must be at least (\d+) characters$/, '至少 $1 个字符'],
  [/^must be at least (.+)$/, '不能小于 $1'],
  [/^must be at most (.+)$/, '不能大于 $1'],
  [/^must be a whole number$/, '必须是整数'],
  [/^must be a decimal number such as "1234.50"$/, '必须是数字，例如 1234.50'],
  [/^must have at most (\d+) decimal places$/, '最多 $1 位小数'],
  [/^must have at most (\d+) digits before the point$/, '整数部分最多 $1 位'],
  [/^must be true or false$/, '必须是“是”或“否”'],
  [/^must be a date written YYYY-MM-DD$/, '必须是日期（YYYY-MM-DD）'],
  [/^must be on or after (.+)$/, '不能早于 $1'],
  [/^must be on or before (.+)$/, '不能晚于 $1'],
  [/^must be an ISO 8601 date-time with an offset.*$/, '必须是带时区的日期时间'],
  [/^must be one of the field’s option ids$/, '不是有效的选项'],
  [/^must be an array of option ids$/, '必须是选项列表'],
  [/^must contain only the field’s option ids$/, '包含无效的选项'],
  [/^must not repeat an option$/, '选项不能重复'],
  [/^must have at most (\d+) options$/, '最多选择 $1 项'],
  [/^must be an email address$/, '必须是有效的邮箱地址'],
  [/^must be a phone number$/, '必须是电话号码'],
  [/^must be a mainland mobile .*$/, '必须是手机号（13800138000）、座机（021-12345678）或 +国家代码号码'],
  [/^must be a (.+) number$/, '号码类型不符合要求'],
  [/^must be an http\(s\) URL$/, '必须是 http(s) 网址'],
  [/^must be the id of a (.+)$/, '不是有效的记录'],
  [/^must be an array of rows$/, '必须是行列表'],
  [/^must have at most (\d+) rows$/, '最多 $1 行'],
  [/^must be the id of an existing row, once$/, '行标识无效或重复'],
  [/^must be an object$/, '必须是对象'],
  [/^must be an array of files$/, '必须是文件列表'],
  [/^must have at most (\d+) files$/, '最多 $1 个文件'],
  [/^file type (.+) is not accepted$/, '不接受文件类型 $1'],
  [/^must be a 6-digit region code.*$/, '必须是 6 位行政区划代码'],
  [/^must be a (province|city|district) code$/, '行政区划级别不符合要求'],
  [/^does not match the required format$/, '格式不正确'],
  [/^contains a NUL character$/, '包含非法字符'],
  [/^contains invalid Unicode.*$/, '包含非法字符'],
  [/^is not a field of (.+)$/, '不是 $1 的字段'],
];

/**
 * A record-validation message in the user's language.
 * @example localizeMessage('must be at most 50 characters', 'zh-CN') // '最多 50 个字符'
 */
export function localizeMessage(message: string, locale: Locale): string {
  if (locale === 'en') return message;
  for (const [pattern, zh] of ZH) if (pattern.test(message)) return message.replace(pattern, zh);
  return message;
}
