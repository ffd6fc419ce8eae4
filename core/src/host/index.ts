// The composition root: everything a running host is made of, wired once.
export { tuneHostHeap } from './heap.ts';
export { openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';
export { seedExampleWorkflows, seedRequestTemplates } from './seed.ts';
export {
  installFirstPartyPlugins,
  FIRST_PARTY_PLUGINS_DIR,
  FIRST_PARTY_ACTOR,
  FIRST_PARTY_PUBLISHER,
} from './first-party.ts';
export { openDataFolder, HOST_VERSION, type DataFolder, type DataFolderOptions } from './data-folder.ts';
export { knownSchema } from './schema.ts';
export { startHost, type RunningHost } from './server.ts';
export { SandboxPluginRunner, type SandboxPluginRunnerOptions, type InstalledPlugins } from './sandbox-runner.ts';
export { registryCatalog, registryPluginsPort } from './plugin-ports.ts';
export { HostObservers, type HostObserver } from './observers.ts';
export { readTlsFiles, type CertificateSummary, type TlsReload } from './tls.ts';
export { moveDataFolder, moveToPostgres, type FolderMove, type TableMove } from './move-to-postgres.ts';
