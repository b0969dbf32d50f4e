import { AppStore, migrateSystem, RecordRepository, setFormulaEvaluator } from '@dougong/db';
import { createTestDatabase, type TestDatabase } from '@dougong/db/testing';
import type { AppDocument } from '@dougong/schema';

// Temporary evaluator for the tests' `*` formulas until the rule engine is wired in.
setFormulaEvaluator((rule, data) => {
  const r = rule as { '*': [{ var: string }, number] };
  const v = data[r['*'][0].var];
  return v === null || v === undefined ? null : Number(v) * r['*'][1];
});

/** A migrated test database with one app published from `doc`. */
export interface AppFixture {
  handle: TestDatabase;
  store: AppStore;
  repo: () => Promise<RecordRepository>;
}

export async function publishFixture(doc: AppDocument): Promise<AppFixture> {
  const handle = await createTestDatabase();
  await migrateSystem(handle.db);
  const store = new AppStore(handle.db);
  await store.saveDraft(doc.key, doc, { actor: null });
  await store.publish(doc.key, { actor: null });
  return {
    handle,
    store,
    repo: async () => new RecordRepository(handle.db, (await store.publishedModel(doc.key)).model),
  };
}
