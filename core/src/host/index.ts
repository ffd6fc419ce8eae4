// The composition root: everything a running host is made of, wired once.
export { openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';
export { installFirstPartyPlugins, seedExampleWorkflows, FIRST_PARTY_PLUGINS_DIR } from './seed.ts';
export { startHost, type RunningHost } from './server.ts';
export { SandboxPluginRunner, type SandboxPluginRunnerOptions, type InstalledPlugins } from './sandbox-runner.ts';
export { HostObservers, type HostObserver } from './observers.ts';
