#!/usr/bin/env node
// actionhost-sdk: the plugin author's command line (init, build, build-all, pack, test). See run.ts.
import { runCli } from './run.ts';

process.exitCode = await runCli(process.argv.slice(2));
