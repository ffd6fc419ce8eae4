// The http capability's front door: outbound HTTP for plugins, under the manifest host list and the host's
// egress policy, with host-held credentials. Nothing else in this folder is public.
export { createHttpCapability } from './capability.ts';
export { HttpErrors } from './errors.ts';
export {
  HTTP_DEFAULTS,
  type HttpCapabilityOptions,
  type CredentialResolver,
  type CredentialSecret,
  type CredentialUse,
} from './options.ts';
