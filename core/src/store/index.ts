export { Store, type Row, type StoreOptions } from './store.ts';
export { StoreErrors, storeFaultOf } from './errors.ts';
export { parseJsonColumn } from './json-column.ts';
