import { DATE_OPS } from './date-ops.js';
import { DECIMAL_OPS } from './decimal-ops.js';
import type { PlatformOpSpec } from './op-types.js';
import { PREDICATE_OPS } from './predicate-ops.js';
import { RECORD_OPS } from './record-ops.js';
import { TEXT_OPS } from './text-ops.js';
import { USER_OPS } from './user-ops.js';

const ALL = { ...DATE_OPS, ...TEXT_OPS, ...PREDICATE_OPS, ...DECIMAL_OPS, ...RECORD_OPS, ...USER_OPS };

/** The name of a Dougong platform operation. */
export type PlatformOpName = keyof typeof ALL;

/** Every platform operation registered on top of JsonLogic, by name. */
export const PLATFORM_OPS: Readonly<Record<PlatformOpName, PlatformOpSpec>> = ALL;

/** Narrows an operator name to a platform operation. */
export function isPlatformOp(name: string): name is PlatformOpName {
  return Object.hasOwn(PLATFORM_OPS, name);
}
