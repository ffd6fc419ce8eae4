#!/usr/bin/env node
// actionhost-sdk: the plugin author's command line (init, build, build-all, pack, test). See program.ts. The
// executable users run is actionhost-sdk.js, which checks the Node version first.
import { runMain } from './kit/index.ts';
import { runCli } from './program.ts';

await runMain(runCli);
