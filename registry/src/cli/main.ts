#!/usr/bin/env node
// registry: the platform team's command line for the plugin store (install, list, info, remove, verify). See run.ts.
import { runCli } from './run.ts';

process.exitCode = await runCli(process.argv.slice(2));
