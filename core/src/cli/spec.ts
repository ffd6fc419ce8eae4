// Parses the "name@range" plugin references used on the command line and in workflows.
import semver from 'semver';
import { UsageError } from '@actionhost/sdk/cli';

export function parsePluginRef(ref: string): { name: string; range: string } {
  const at = ref.lastIndexOf('@');
  const [name, range] = at > 0 ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, '*'];
  if (!name || semver.validRange(range) === null)
    throw new UsageError(`"${ref}" is not name[@range], e.g. @actionhost/run-webhook@^1.0.0`);
  return { name, range };
}
