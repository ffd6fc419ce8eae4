#!/usr/bin/env node
// `actionhost`: the host's command line. See program.ts. The executable users run is actionhost.js, which checks
// the Node version first; npm start runs this file directly with the pinned Node.
import { runMain } from '@actionhost/sdk/cli';
import { runCli } from './program.ts';

await runMain(runCli);
