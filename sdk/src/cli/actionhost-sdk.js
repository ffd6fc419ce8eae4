#!/usr/bin/env node
// The `actionhost-sdk` executable: plain JavaScript, so that an older Node says which Node is needed instead of
// failing on TypeScript. The command line itself is main.ts.
/* global URL */
import { launch } from './kit/launch.js';

await launch('actionhost-sdk', new URL('./main.ts', import.meta.url));
