// Front door of the SDK command line, for embedding and tests; the executable is main.ts.
export { runCli, programHelp, commandHelp } from './run.ts';
export { initPlugin, type InitResult } from './init.ts';
export { runPluginTests, findVitest, type TestRunOptions } from './test-runner.ts';
export type { CliIo } from './output.ts';
