#!/usr/bin/env node
// registry: the platform team's command line for the plugin store (install, list, info, remove, verify, serve).
// See program.ts. The executable users run is registry.js, which checks the Node version first.
import { runMain } from '@actionhost/sdk/cli';
import { runCli } from './program.ts';

await runMain(runCli);
