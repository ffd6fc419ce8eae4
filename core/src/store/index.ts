export { Store, type Row } from './store.ts';
export { StoreErrors, storeFaultOf } from './errors.ts';
