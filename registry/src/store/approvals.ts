// Upgrades never widen what a plugin may reach silently: each installed version is approved (who, when, what it
// widened) or not, and a publish pins only approved versions. A version is approved when an admin says so (install
// --accept-capabilities, the upload's acceptCapabilities, `registry approve`, an admin's publish), when it is the
// first version of its plugin (installing a new plugin is that decision), or when it reaches nothing beyond a
// version already approved.
import semver from 'semver';
import { z } from 'zod';
import { pluginId } from '@actionhost/sdk';
import type { ApprovalRow, Catalog, VersionRow } from './catalog.ts';
import { PluginDifference, pluginDifference } from './difference.ts';

export const ApprovalVia = z.enum([
  /** the first version of a plugin, approved by installing it */
  'first-version',
  /** reaches nothing beyond an approved version (`against`) */
  'within-approved',
  /** `registry install --accept-capabilities` */
  'install',
  /** `POST /api/plugins?acceptCapabilities=true` */
  'upload',
  /** `POST /api/workflows/:id/publish` with acceptCapabilities (admins only) */
  'publish',
  /** `registry approve`, `POST /api/plugins/:name/:version/capabilities/approval` */
  'approve',
  /** the host's own plugins, installed on start */
  'first-party',
  /** installed before approvals existed, and pinned or the first of its plugin */
  'existing',
]);
export type ApprovalVia = z.infer<typeof ApprovalVia>;

export const CapabilityApproval = z.object({
  /** `token:<name>` (API), `cli:<user>` (registry), `host:first-party` */
  approvedBy: z.string(),
  approvedAt: z.string(),
  via: z.string(),
  /** The capabilities approved: the version's manifest `capabilities` */
  capabilities: z.record(z.string(), z.unknown()),
  /** The approved version it was compared with, when there was one */
  against: z.string().nullable(),
  /** What it reached beyond `against`, as approved */
  widened: z.array(z.string()),
});
export type CapabilityApproval = z.infer<typeof CapabilityApproval>;

/** Everything an admin needs to decide on one version. */
export const CapabilityReview = z.object({
  name: z.string(),
  version: z.string(),
  approved: z.boolean(),
  approval: CapabilityApproval.nullable(),
  /** Against the highest other approved version: `widened` is what approving adds */
  difference: PluginDifference,
  /** Against the installed version just below it and each version a published workflow pins */
  differences: z.array(PluginDifference.extend({ pinnedBy: z.array(z.string()) })),
});
export type CapabilityReview = z.infer<typeof CapabilityReview>;

function toApproval(row: ApprovalRow): CapabilityApproval {
  const { name: _name, version: _version, ...approval } = row;
  return approval;
}

/** The highest approved version of the plugin other than `version`: what approving `version` is judged against. */
async function referenceVersion(catalog: Catalog, name: string, version: string): Promise<VersionRow | undefined> {
  const approved = (await catalog.approvalsOf(name))
    .map((approval) => approval.version)
    .filter((other) => other !== version)
    .sort(semver.rcompare);
  for (const other of approved) {
    const row = await catalog.get(name, other);
    if (row) return row;
  }
  return undefined;
}

async function differenceFrom(catalog: Catalog, row: VersionRow): Promise<PluginDifference> {
  const reference = await referenceVersion(catalog, row.name, row.version);
  return pluginDifference(row.name, reference ?? null, row);
}

/**
 * The approval that stands for `row`: its own, else (a version installed before the approval of one that covers it)
 * the approval of an approved version whose capabilities include all of its own.
 */
export async function standingApproval(catalog: Catalog, row: VersionRow): Promise<CapabilityApproval | undefined> {
  const own = await catalog.approval(row.name, row.version);
  if (own) return toApproval(own);
  for (const approval of (await catalog.approvalsOf(row.name)).sort((a, b) => semver.rcompare(a.version, b.version))) {
    const approved = await catalog.get(row.name, approval.version);
    if (approved && pluginDifference(row.name, approved, row).widened.length === 0) {
      return { ...toApproval(approval), via: 'within-approved', against: approval.version, widened: [] };
    }
  }
  return undefined;
}

export async function capabilityReview(catalog: Catalog, row: VersionRow): Promise<CapabilityReview> {
  const approval = await standingApproval(catalog, row);
  const others = (await catalog.versionsOf(row.name)).filter((other) => other.version !== row.version);
  const previous = others
    .filter((other) => semver.lt(other.version, row.version))
    .sort((a, b) => semver.rcompare(a.version, b.version))[0];
  const pinned = new Map<string, string[]>();
  for (const other of others) pinned.set(other.version, await catalog.pins(other.name, other.version));
  const compared = others.filter((other) => other === previous || pinned.get(other.version)!.length > 0);
  return {
    name: row.name,
    version: row.version,
    approved: approval !== undefined,
    approval: approval ?? null,
    difference: await differenceFrom(catalog, row),
    differences: compared
      .sort((a, b) => semver.rcompare(a.version, b.version))
      .map((other) => ({
        ...pluginDifference(row.name, other, row),
        pinnedBy: pinned.get(other.version)!,
      })),
  };
}

/** Records an approval of `row` unless it has one; returns the approval that stands. */
export function approveVersion(
  catalog: Catalog,
  row: VersionRow,
  approvedBy: string,
  via: ApprovalVia,
): Promise<CapabilityApproval> {
  return catalog.transaction(async (catalog) => {
    const existing = await catalog.approval(row.name, row.version);
    if (existing) return toApproval(existing);
    const difference = await differenceFrom(catalog, row);
    const approval: ApprovalRow = {
      name: row.name,
      version: row.version,
      approvedBy,
      approvedAt: new Date().toISOString(),
      via,
      capabilities: row.manifest.capabilities,
      against: difference.from,
      widened: difference.widened,
    };
    await catalog.addApproval(approval);
    return toApproval(approval);
  });
}

/**
 * What installing `row` approves on its own: the first version of a plugin, or one within an approved version's
 * capabilities. Returns the approval recorded, or undefined when an admin has to decide.
 */
export async function approveWhenCovered(
  catalog: Catalog,
  row: VersionRow,
  installedBy: string,
): Promise<CapabilityApproval | undefined> {
  const own = await catalog.approval(row.name, row.version);
  if (own) return toApproval(own);
  const others = (await catalog.versionsOf(row.name)).filter((other) => other.version !== row.version);
  if (others.length === 0) return approveVersion(catalog, row, installedBy, 'first-version');
  for (const approval of (await catalog.approvalsOf(row.name)).sort((a, b) => semver.rcompare(a.version, b.version))) {
    const approved = others.find((other) => other.version === approval.version);
    if (approved && pluginDifference(row.name, approved, row).widened.length === 0) {
      return catalog.transaction(async (catalog) => {
        const recorded: ApprovalRow = {
          name: row.name,
          version: row.version,
          approvedBy: installedBy,
          approvedAt: new Date().toISOString(),
          via: 'within-approved',
          capabilities: row.manifest.capabilities,
          against: approved.version,
          widened: [],
        };
        await catalog.addApproval(recorded);
        return toApproval((await catalog.approval(row.name, row.version)) ?? recorded);
      });
    }
  }
  return undefined;
}

/** "name@version widens: http: *; ldap" — for messages. */
export function describeUnapproved(review: CapabilityReview): string {
  return `${pluginId(review.name, review.version)} widens ${review.difference.widened.join('; ') || 'nothing'} beyond ${
    review.difference.from === null ? 'no approved version' : pluginId(review.name, review.difference.from)
  }`;
}
