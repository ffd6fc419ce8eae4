// What the command line shows and takes about capability approvals: the review printed after an install, `registry
// info --diff` (what one version may reach and declares that another does not), and `registry approve`.
import semver from 'semver';
import { Command, UsageError, type ProgramContext } from '@actionhost/sdk/cli';
import { describeDifference, type CapabilityReview, type PluginDifference, type PluginStore } from '../store/index.ts';
import { splitSpec } from './spec.ts';
import { JSON_HELP, cliActor, storeAccess } from './store-access.ts';

/** The lines printed after an install: whether the version is approved, then its differences. */
export function reviewLines(review: CapabilityReview): string[] {
  const id = `${review.name}@${review.version}`;
  const lines = review.approval
    ? [`  capabilities: approved (${review.approval.via}, by ${review.approval.approvedBy})`]
    : [
        `  capabilities: NOT APPROVED: it reaches ${review.difference.widened.join('; ')} beyond ` +
          `${review.difference.from === null ? 'any approved version' : `${review.name}@${review.difference.from}`}. ` +
          `Publishing a workflow that pins it is refused until an admin approves: ` +
          `registry approve ${id}, or install again with --accept-capabilities`,
      ];
  const shown = new Set<string | null>();
  const compared: (PluginDifference & { pinnedBy?: string[] })[] = [review.difference, ...review.differences];
  for (const difference of compared) {
    if (shown.has(difference.from)) continue;
    shown.add(difference.from);
    const pinnedBy = difference.pinnedBy ?? [];
    const pinned = pinnedBy.length > 0 ? ` (pinned by ${pinnedBy.join(', ')})` : '';
    lines.push(...describeDifference(difference).map((line, index) => `  ${line}${index === 0 ? pinned : ''}`));
  }
  return lines;
}

/** `info --diff`: name@a name@b | name@a b | name a b | name@b (against the highest other approved version). */
export function differenceOf(store: PluginStore, specs: readonly string[]): Promise<PluginDifference> {
  const exact = (version: string | undefined, spec: string): string => {
    if (version === undefined || semver.valid(version) !== version)
      throw new UsageError(`--diff compares exact versions; "${spec}" names none (e.g. @acme/crm@1.2.0)`);
    return version;
  };
  if (specs.length === 1) {
    const [name, version] = splitSpec(specs[0]);
    return store.difference(name, undefined, exact(version, specs[0]));
  }
  if (specs.length === 2) {
    const [name, from] = splitSpec(specs[0]);
    const [otherName, to] = specs[1].startsWith('@') || specs[1].includes('@') ? splitSpec(specs[1]) : [name, specs[1]];
    if (otherName !== name)
      throw new UsageError(`--diff compares two versions of one plugin, not ${name} and ${otherName}`);
    return store.difference(name, exact(from, specs[0]), exact(to, specs[1]));
  }
  if (specs.length === 3) return store.difference(specs[0], exact(specs[1], specs[1]), exact(specs[2], specs[2]));
  throw new UsageError('--diff takes <name>@<a> <name>@<b>, <name> <a> <b>, or <name>@<version> alone');
}

export function approveCommand(context: ProgramContext): Command {
  const { io } = context;
  const withStore = storeAccess(context);
  const approve: Command = new Command('approve')
    .summary('approve what an installed version may reach, so that workflows may publish with it')
    .argument('<name@version>', 'plugin name and exact version')
    .option('--json', JSON_HELP)
    .action(
      context.action((spec: string, options: { json?: boolean }) => {
        const [name, version] = splitSpec(spec);
        if (version === undefined || semver.valid(version) !== version) {
          throw new UsageError('approve needs an exact version: <name>@<version>');
        }
        return withStore(approve, 'existing', async (store) => {
          const before = await store.review(name, version);
          const approval = await store.approve(name, version, cliActor());
          if (options.json) io.stdout(JSON.stringify(approval, null, 2));
          else {
            io.stdout(
              `${before.approval ? 'already approved' : 'approved'} ${name}@${version} (${approval.via}, by ${approval.approvedBy}, ${approval.approvedAt})`,
            );
            io.stdout(
              `  widens: ${approval.widened.join('; ') || 'nothing'}${approval.against ? ` beyond ${approval.against}` : ''}`,
            );
          }
        });
      }),
    );
  return approve;
}
