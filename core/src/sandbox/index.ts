// The sandbox: plugins run in isolated-vm isolates inside worker processes, never in the host process.
export {
  Sandbox,
  type InvokeRequest,
  type InvokeOutcome,
  type LoadedPlugin,
  type SandboxOptions,
  type SandboxObserver,
} from './sandbox.ts';
export { SandboxErrors } from './errors.ts';
export { DEFAULT_HOST_LIMITS, limitsFor, type HostLimits, type InvocationLimits } from './limits.ts';
export { FrameChannel } from './channel.ts';
export { HEAP_GROWING_PERCENT } from './worker-handle.ts';
export type { ContextMode } from './protocol.ts';
