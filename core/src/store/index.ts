export { Store, type Row } from './store.ts';
export { StoreErrors } from './errors.ts';
