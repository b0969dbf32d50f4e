export { createTestDatabase, type TestDatabase, testTargetsPostgres } from './test-database.js';
