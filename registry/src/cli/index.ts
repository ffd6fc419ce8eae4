// Front door of the registry CLI, for embedding (tests, the host's own CLI).
export { runCli, programHelp, commandHelp } from './run.ts';
export { commands, UsageError, type CliIo, type Command } from './commands.ts';
