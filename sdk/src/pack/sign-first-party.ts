#!/usr/bin/env node
// `node sdk/src/pack/sign-first-party.ts [pluginsDir]`: the build step that packs and signs the first-party plugins
// (root `npm run build` and `prepare` call it, after building). Key: ACTIONHOST_SIGNING_KEY, else one generated once
// in <pluginsDir>/.signing/. Prints each signed tarball on stdout; exits 1 with `error CODE: message` on failure.
import { resolve } from 'node:path';
import { defineSettings } from '../cli/kit/index.ts';
import { isActionhostError } from '../contract/index.ts';
import { SIGNING_KEY_SETTING, signFirstPartyPlugins } from './first-party.ts';

const settings = defineSettings({ signingKey: SIGNING_KEY_SETTING });

try {
  const { signingKey } = settings.load({ env: process.env });
  const pluginsDir = resolve(process.argv[2] ?? 'plugins');
  const result = await signFirstPartyPlugins(
    { pluginsDir },
    {
      ...(signingKey === undefined ? {} : { keyFile: resolve(signingKey) }),
      onProgress: (message) => process.stderr.write(`${message}\n`),
    },
  );
  if (result.generated) process.stderr.write(`generated the first-party signing key in ${result.publicKeyFile}\n`);
  for (const plugin of result.plugins) process.stdout.write(`signed ${plugin.name}@${plugin.version} ${plugin.file}\n`);
  process.stdout.write(`key ${result.keyId} (public key ${result.publicKeyFile})\n`);
} catch (error) {
  process.stderr.write(
    isActionhostError(error) ? `error ${error.code}: ${error.message}\n` : `error AH_INTERNAL: ${String(error)}\n`,
  );
  process.exitCode = 1;
}
