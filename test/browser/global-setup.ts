// vitest global setup: builds the web console from its sources before any test runs, so the browser tests drive
// the code in the work tree (not a bundle `npm ci` built earlier). esbuild takes about a second.
import { buildConsole } from '@actionhost/console/build';

export default async function setup(): Promise<void> {
  await buildConsole();
}
