export * from './dialect/open-database.js';
