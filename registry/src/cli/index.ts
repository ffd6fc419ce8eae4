// Front door of the registry CLI, for embedding (tests) and for the host, which shares its data folder setting.
export { runCli } from './program.ts';
export { splitSpec } from './commands.ts';
export { DATA_DIR_SETTING, REGISTRY_SETTINGS } from './settings.ts';
