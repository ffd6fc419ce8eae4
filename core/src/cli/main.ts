#!/usr/bin/env node
// `actionhost`: the host's command line. See program.ts.
import { runMain } from '@actionhost/sdk/cli';
import { runCli } from './program.ts';

await runMain(runCli);
