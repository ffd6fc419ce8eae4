#!/usr/bin/env node
// The `registry` executable: plain JavaScript, so that an older Node says which Node is needed instead of failing
// on TypeScript. The command line itself is main.ts.
/* global URL */
import { launch } from '@actionhost/sdk/cli/launch';

await launch('registry', new URL('./main.ts', import.meta.url));
