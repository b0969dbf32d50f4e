import { readFileSync } from 'node:fs';
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.js';

const FIXTURES = new URL('../../../../shared/conformance/jsonlogic-fixtures.json', import.meta.url);
const raw = JSON.parse(readFileSync(FIXTURES, 'utf8')) as unknown[];

interface Case {
  section: string;
  rule: unknown;
  data: unknown;
  expected: unknown;
}
const cases: Case[] = [];
let section = '';
for (const entry of raw) {
  if (typeof entry === 'string') section = entry;
  else {
    const [rule, data, expected] = entry as [unknown, unknown, unknown];
    cases.push({ section, rule, data, expected });
  }
}
// The one fixture where json-logic-js (Dougong's reference) differs from the published expectation.
const KNOWN_DIFFERENCE = JSON.stringify({ '+': { merge: [1, [2]] } });

describe('JsonLogic conformance fixtures', () => {
  it('has all 289 cases', () => {
    expect(cases).toHaveLength(289);
  });

  for (const backend of BACKENDS) {
    it.each(cases.map((c, i) => [i, c] as const))(`${backend.name} #%i`, (_i, c) => {
      const expected =
        JSON.stringify(c.rule) === KNOWN_DIFFERENCE ? jsonLogic.apply(c.rule as never, c.data) : c.expected;
      // The fixtures were recorded as JSON, where NaN is written as null.
      const actual = backend.run(c.rule, c.data);
      expect(actual === undefined ? actual : JSON.parse(JSON.stringify(actual))).toEqual(expected);
    });
  }

  it('follows json-logic-js on the known difference', () => {
    for (const backend of BACKENDS) expect(backend.run({ '+': { merge: [1, [2]] } }, null)).toBe(1);
  });

  it('does not add Dougong operations to json-logic-js itself', () => {
    for (const backend of BACKENDS) backend.run({ contains: ['abc', 'b'] }, {});
    expect(() => jsonLogic.apply({ contains: ['abc', 'b'] } as never, {})).toThrow(/Unrecognized operation/);
    expect(() => jsonLogic.apply({ '__dougong_rules_1__.contains': ['abc', 'b'] } as never, {})).toThrow(
      /outside a rule evaluation/,
    );
  });
});
