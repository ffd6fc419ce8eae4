// The itsm capability: scoped access to requests, CMDB lookups and relations for sandboxed plugins.
export {
  createItsmCapability,
  toItsmRequest,
  toItsmConfigurationItem,
  type ItsmCapabilityOptions,
} from './itsm-capability.ts';
export { ItsmCapabilityErrors } from './errors.ts';
