export {
  createTestDatabase,
  type TestDatabase,
  testTargetsPostgres,
  writePgliteTemplate,
} from './test-database.js';
