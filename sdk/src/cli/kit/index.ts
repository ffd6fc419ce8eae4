// @actionhost/sdk/cli: what the three command lines (actionhost, registry, actionhost-sdk) are built with. It lives
// in the sdk because the sdk depends on no other package of ours, so registry and core may both import it.
export {
  createProgram,
  runProgram,
  runMain,
  packageVersion,
  passTrailingArguments,
  reportErrorsAsJson,
  ExitCode,
  type ProgramContext,
  type ProgramInfo,
} from './program.ts';
export { processIo, guardClosedPipes, type CliIo } from './io.ts';
export { UsageError, CommandLineErrors, type SettingProblem } from './errors.ts';
export {
  defineSettings,
  type Setting,
  type Settings,
  type SettingsTable,
  type SettingValues,
  type SettingTexts,
} from './settings.ts';
export {
  wholeNumber,
  choice,
  commaList,
  text,
  folder,
  onOff,
  base64Bytes,
  httpUrl,
  matching,
  parseValue,
  type Value,
} from './values.ts';
export { valueOption } from './options.ts';
export { untilStopped, portInUseError, type StopOptions } from './lifecycle.ts';
export { requireDataFile, makeDataFolder, privateDatabaseFile } from './data-folder.ts';
export { textTable } from './table.ts';
export { Option, Argument, Command } from 'commander';
