export { SALES_TEMPLATE, salesApp } from './sales-app.js';
