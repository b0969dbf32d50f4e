import type { AppDocument, Label, Text } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject } from '../core/doc-edit.js';

/**
 * Sets the app's label, description, time zone and default currency (`null` removes an optional one; the
 * check reports an unknown time zone or a malformed currency code).
 * @example { type: 'updateApp', patch: { timeZone: 'Asia/Shanghai', defaultCurrency: 'CNY' } }
 */
export interface UpdateAppAction {
  readonly type: 'updateApp';
  readonly patch: {
    readonly label?: Label;
    readonly description?: Text | null;
    readonly timeZone?: string | null;
    readonly defaultCurrency?: string | null;
  };
}

/** Applies {@link UpdateAppAction}. */
export function applyUpdateApp(doc: AppDocument, action: UpdateAppAction): ActionResult {
  const { label, description, timeZone, defaultCurrency } = action.patch;
  return done(
    patchObject(doc, {
      label: label && cleanLabel(label),
      description: description && cleanLabel(description),
      timeZone: timeZone === '' ? null : timeZone,
      defaultCurrency: defaultCurrency === '' ? null : defaultCurrency,
    }),
    { kind: 'app' },
  );
}

/** The `updateApp` handler; typing into one property merges into one undo step. */
export const updateApp: ActionHandler<UpdateAppAction> = {
  label: bi('应用设置', 'App settings'),
  apply: applyUpdateApp,
  coalesceKey: (a) => `updateApp:${Object.keys(a.patch).sort().join(',')}`,
};
