#!/usr/bin/env node
// The `actionhost` executable (and what `npm start` runs): plain JavaScript, so that an older Node says which Node is
// needed instead of failing on TypeScript. It runs the host's bundle while that is fresh, else main.ts (host-entry.js).
import { launch } from '@actionhost/sdk/cli/launch';
import { hostEntry } from './host-entry.js';

await launch('actionhost', hostEntry());
