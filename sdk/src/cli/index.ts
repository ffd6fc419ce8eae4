// Front door of the SDK command line, for embedding and tests; the executable is actionhost-sdk.js (main.ts).
export { runCli, type SdkIo as CliIo } from './program.ts';
export { initPlugin, type InitResult } from './init.ts';
export { runPluginTests, findVitest, type TestRunOptions } from './test-runner.ts';
