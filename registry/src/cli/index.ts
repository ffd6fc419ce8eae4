// Front door of the registry CLI, for embedding (tests) and for the host, which shares its settings.
export { runCli } from './program.ts';
export { splitSpec } from './commands.ts';
export { DATA_DIR_SETTING, SIGNATURE_POLICY_SETTING, REGISTRY_SETTINGS } from './settings.ts';
