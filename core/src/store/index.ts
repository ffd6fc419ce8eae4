export { Store, type Row } from './store.ts';
export { StoreErrors, storeFaultOf } from './errors.ts';
export { parseJsonColumn } from './json-column.ts';
