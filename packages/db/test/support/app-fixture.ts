import { AppStore, migrateSystem, RecordRepository } from '@dougong/db';
import { createTestDatabase, type TestDatabase } from '@dougong/db/testing';
import type { AppDocument } from '@dougong/schema';

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
