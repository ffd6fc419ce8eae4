// PluginStore: the plugin store of one data folder. Installs verified packages into
// <data>/plugins/<name>/<version>/ (with the original package.tgz) and indexes them in <data>/registry.db, or in a
// PostgreSQL database several hosts share, which also keeps the package bytes: ensureLocal extracts on first use.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { integrityOf, type PluginManifest } from '@actionhost/sdk';
import { makeDataFolder } from '@actionhost/sdk/cli';
import { RegistryErrors } from '../errors.ts';
import {
  RESERVED_FILE,
  readPackage,
  resolveLimits,
  sha256,
  writePackage,
  type ExtractLimits,
  type FileRecord,
  type ResolvedLimits,
} from '../tarball/index.ts';
import type { Catalog, VersionRow } from './catalog.ts';
import { openCatalog } from './open-catalog.ts';
import { LocalCopies } from './local-copies.ts';
import { checkPackage, packagePath } from './package-check.ts';
import { readInstallSource, type InstallSpec } from './install-source.ts';
import { readRecordedFile, sameContent, storedVersionProblems } from './stored-files.ts';
import {
  approveVersion,
  approveWhenCovered,
  capabilityReview,
  standingApproval,
  type ApprovalVia,
  type CapabilityApproval,
  type CapabilityReview,
} from './approvals.ts';
import { pluginDifference, type PluginDifference } from './difference.ts';
import {
  addTrustedKey,
  admitSignature,
  removeTrustedKey,
  signatureStatus,
  type SignaturePolicy,
  type SignatureStatus,
  type TrustedKey,
} from './trust.ts';

export interface InstalledPlugin {
  name: string;
  version: string;
  integrity: string;
  manifest: PluginManifest;
  /** Absolute path of the version folder (plugin.json, the entry script, package.tgz) */
  dir: string;
  installedAt: string;
  /** Its publisher signature against the trust store as it is now */
  signature: SignatureStatus;
  /** The approval of what it may reach that stands (its own, or that of an approved version reaching as much) */
  approval: CapabilityApproval | null;
}

export interface InstallResult {
  name: string;
  version: string;
  integrity: string;
  alreadyInstalled: boolean;
  dir: string;
  signature: SignatureStatus;
  /** Whether what it may reach is approved, and how it differs from the approved, previous and pinned versions */
  capabilities: CapabilityReview;
}

/** What #sameVersion and #commitInstall settle; the capability review is added last. */
type Placed = Omit<InstallResult, 'capabilities'>;

export interface InstallOptions {
  /** Expected "sha512-..." of the tarball; install fails with AH_INTEGRITY_MISMATCH otherwise. */
  integrity?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** The package must be this name and version (e.g. what a remote registry was asked for), else AH_PACKAGE_MISMATCH. */
  expect?: { name: string; version: string };
  /** Who installs (`cli:<user>`, `token:<name>`): recorded with the approvals the install makes. */
  actor?: string;
  /** The installer approves what the version may reach (also when it is installed already). */
  acceptCapabilities?: boolean;
  /** How an approval by this install is recorded (default `install`). */
  channel?: Extract<ApprovalVia, 'install' | 'upload' | 'first-party'>;
}

export interface VerifyReport {
  name: string;
  version: string;
  ok: boolean;
  problems: string[];
  /** The stored package's signature checked again, against the trust store as it is now; `invalid` when broken */
  signature: Omit<SignatureStatus, 'status'> & { status: SignatureStatus['status'] | 'invalid' };
}

export interface PluginStoreOptions {
  /** A postgres:// URL: the index (and the package bytes) in that database, shared by hosts; else <data>/registry.db. */
  database?: string;
  limits?: ExtractLimits;
  /** What installs may be signed with (default `optional`): `trusted` refuses unsigned and untrusted packages. */
  signatures?: SignaturePolicy;
}

function byVersionDescending(a: VersionRow, b: VersionRow): number {
  return semver.rcompare(a.version, b.version);
}

function byNameThenVersion(a: VersionRow, b: VersionRow): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : semver.compare(a.version, b.version);
}

export class PluginStore {
  readonly dataDir: string;
  readonly pluginsDir: string;
  readonly signaturePolicy: SignaturePolicy;
  /** Where the index is: `sqlite` (registry.db in the data folder) or `postgres` (shared, with the package bytes). */
  readonly backend: Catalog['backend'];
  readonly #catalog: Catalog;
  readonly #limits: ResolvedLimits;
  readonly #local: LocalCopies;

  private constructor(dataDir: string, catalog: Catalog, limits: ResolvedLimits, policy: SignaturePolicy) {
    this.dataDir = dataDir;
    this.pluginsDir = join(dataDir, 'plugins');
    this.#catalog = catalog;
    this.backend = catalog.backend;
    this.#limits = limits;
    this.signaturePolicy = policy;
    this.#local = new LocalCopies({
      catalog,
      limits,
      policy,
      pluginsDir: this.pluginsDir,
      versionDir: (name, version) => this.#versionDir(name, version),
    });
  }

  /** Opens the store of a data folder, creating the folder, plugins/ and the index (registry.db or tables) if missing. */
  static async open(dataDir: string, options: PluginStoreOptions = {}): Promise<PluginStore> {
    const root = resolve(dataDir);
    // plugins/ exists from the start so a failed install never leaves a new folder behind. A new data folder is
    // owner-only (it holds registry.db, actionhost.db and master.key); the packages inside it are not secret.
    makeDataFolder(root);
    mkdirSync(join(root, 'plugins'), { recursive: true, mode: 0o755 });
    const store = new PluginStore(
      root,
      await openCatalog(root, options.database),
      resolveLimits(options.limits),
      options.signatures ?? 'optional',
    );
    store.#sweepLeftovers();
    return store;
  }

  // A crash can leave .tmp-* (install) or .trash-* (remove, orphan) folders in plugins/. Trash is always
  // garbage; a temp folder may belong to an install running in another process, so only old ones go.
  #sweepLeftovers(): void {
    const cutoff = Date.now() - 60 * 60 * 1000;
    for (const entry of readdirSync(this.pluginsDir)) {
      const folder = join(this.pluginsDir, entry);
      const stale =
        entry.startsWith('.trash-') ||
        (entry.startsWith('.tmp-') && (statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < cutoff);
      if (stale) rmSync(folder, { recursive: true, force: true });
    }
  }

  #versionDir(name: string, version: string): string {
    return join(this.pluginsDir, ...name.split('/'), version);
  }

  // Only the approval that stands, not the whole review: on PostgreSQL every lookup is a round trip.
  async #toInstalled(row: VersionRow): Promise<InstalledPlugin> {
    const [signature, approval] = await Promise.all([
      signatureStatus(row.signature, this.#catalog),
      standingApproval(this.#catalog, row),
    ]);
    return {
      name: row.name,
      version: row.version,
      integrity: row.integrity,
      manifest: row.manifest,
      dir: this.#versionDir(row.name, row.version),
      installedAt: row.installedAt,
      signature,
      approval: approval ?? null,
    };
  }

  /** Installs a .tgz path, a plugin folder (built and packed first) or tarball bytes. */
  async install(spec: InstallSpec, options: InstallOptions = {}): Promise<InstallResult> {
    const { signal, onProgress } = options;
    signal?.throwIfAborted();
    const source = await readInstallSource(spec, { signal, onProgress, maxBytes: this.#limits.maxDecompressedBytes });
    const bytes = source.bytes;
    const integrity = integrityOf(bytes);
    if (options.integrity !== undefined && options.integrity !== integrity) {
      throw RegistryErrors.integrityMismatch(options.integrity, integrity, { source: source.label });
    }
    onProgress?.(`checking ${source.label} (${bytes.length} bytes, ${integrity})`);
    const contents = await readPackage(bytes, { limits: this.#limits, signal });
    const { manifest, mappings } = checkPackage(contents);
    const { name, version } = manifest;
    if (options.expect && (options.expect.name !== name || options.expect.version !== version)) {
      throw RegistryErrors.packageMismatch(
        `${options.expect.name}@${options.expect.version}`,
        `${name}@${version}`,
        source.label,
      );
    }
    const signedBy = await admitSignature(contents.files, manifest, this.#catalog, this.signaturePolicy);
    onProgress?.(`signature: ${(await signatureStatus(signedBy, this.#catalog)).status}`);
    const dir = this.#versionDir(name, version);
    const offered = [...contents.files].map(([path, data]) => ({ path, sha256: sha256(data), bytes: data.length }));

    const early = await this.#sameVersion(this.#catalog, name, version, integrity, offered);
    if (early) {
      onProgress?.(`${name}@${version} is already installed with the same integrity`);
      await this.ensureLocal(name, version);
      return this.#reviewCapabilities(early, options);
    }

    const temp = join(this.pluginsDir, `.tmp-${randomUUID()}`);
    try {
      onProgress?.(`extracting ${name}@${version} (${contents.entries.length} entries)`);
      const files = await writePackage(contents, temp);
      const kept = join(temp, RESERVED_FILE);
      await writeFile(kept, bytes, { flag: 'wx', mode: 0o644 });
      await chmod(kept, 0o644);
      signal?.throwIfAborted();
      const result = await this.#commitInstall(temp, dir, bytes, {
        name,
        version,
        integrity,
        manifest,
        files,
        mappings,
        installedAt: new Date().toISOString(),
        signature: signedBy,
      });
      onProgress?.(
        result.alreadyInstalled ? `${name}@${version} was installed meanwhile` : `installed ${name}@${version}`,
      );
      // Installed meanwhile by another host on the shared index: its package, verified, goes into this folder too.
      if (result.alreadyInstalled) await this.ensureLocal(name, version);
      return this.#reviewCapabilities(result, options);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  // The same version is installed already when its bytes are the same, or when only the signature differs (the
  // first-party plugin packed unsigned from its folder, then signed at build): what runs is identical.
  async #sameVersion(
    catalog: Catalog,
    name: string,
    version: string,
    integrity: string,
    files: FileRecord[],
  ): Promise<Placed | undefined> {
    const existing = await catalog.get(name, version);
    if (!existing) return undefined;
    if (existing.integrity !== integrity && !sameContent(existing.files, files))
      throw RegistryErrors.versionImmutable(`${name}@${version}`, existing.integrity, integrity);
    return {
      name,
      version,
      integrity: existing.integrity,
      alreadyInstalled: true,
      dir: this.#versionDir(name, version),
      signature: await signatureStatus(existing.signature, catalog),
    };
  }

  // Under the write lock: re-check, move the extracted folder into place, insert the row. A failure puts
  // everything back, so the data folder is left as it was.
  // On PostgreSQL the lock is the registry's advisory lock, so two hosts installing one version end with one row.
  async #commitInstall(extracted: string, dir: string, tarball: Uint8Array, row: VersionRow): Promise<Placed> {
    let createdParent: string | undefined;
    let moved = false;
    const trash: string[] = [];
    try {
      const result = await this.#catalog.transaction(async (catalog) => {
        const again = await this.#sameVersion(catalog, row.name, row.version, row.integrity, row.files);
        if (again) return again;
        createdParent = mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
        if (existsSync(dir)) {
          // A folder without an index row is the leftover of a crashed install: set it aside.
          const aside = join(this.pluginsDir, `.trash-${randomUUID()}`);
          renameSync(dir, aside);
          trash.push(aside);
        }
        renameSync(extracted, dir);
        moved = true;
        await catalog.insert(row, tarball);
        return {
          name: row.name,
          version: row.version,
          integrity: row.integrity,
          alreadyInstalled: false,
          dir,
          signature: await signatureStatus(row.signature, catalog),
        };
      });
      for (const folder of trash) rmSync(folder, { recursive: true, force: true });
      return result;
    } catch (error) {
      if (moved) renameSync(dir, extracted);
      if (trash.length > 0)
        renameSync(trash[0], dir); // the orphan goes back where it was
      else if (createdParent !== undefined) this.#removeEmptyParents(dir, createdParent);
      throw error;
    }
  }

  // An install approves what the version may reach when the installer said so, when it is the plugin's first
  // version, or when an approved version reaches as much; otherwise a publish pinning it waits for an admin.
  async #reviewCapabilities(placed: Placed, options: InstallOptions): Promise<InstallResult> {
    const row = await this.#row(placed.name, placed.version);
    const actor = options.actor ?? 'unknown';
    if (options.acceptCapabilities) await approveVersion(this.#catalog, row, actor, options.channel ?? 'install');
    else await approveWhenCovered(this.#catalog, row, actor);
    const capabilities = await capabilityReview(this.#catalog, row);
    options.onProgress?.(
      capabilities.approved
        ? `capabilities approved (${capabilities.approval!.via}, by ${capabilities.approval!.approvedBy})`
        : `capabilities NOT approved: ${capabilities.difference.widened.join('; ')}`,
    );
    return { ...placed, capabilities };
  }

  /** Removes empty folders from dirname(dir) up to and including `top` (or up to plugins/). */
  #removeEmptyParents(dir: string, top?: string): void {
    for (let folder = dirname(dir); folder.startsWith(this.pluginsDir + '/'); folder = dirname(folder)) {
      try {
        rmdirSync(folder);
      } catch {
        return; // not empty: stop
      }
      if (folder === top) return;
    }
  }

  /** Every installed version, by name then version. */
  async list(): Promise<InstalledPlugin[]> {
    const rows = (await this.#catalog.all()).sort(byNameThenVersion);
    const installed: InstalledPlugin[] = [];
    for (const row of rows) installed.push(await this.#toInstalled(row));
    return installed;
  }

  async #versions(name: string): Promise<VersionRow[]> {
    const rows = await this.#catalog.versionsOf(name);
    if (rows.length === 0) throw RegistryErrors.pluginNotFound(name);
    return rows.sort(byVersionDescending);
  }

  async #matching(name: string, range: string): Promise<VersionRow[]> {
    if (semver.validRange(range) === null) throw RegistryErrors.rangeInvalid(name, range);
    const rows = await this.#versions(name);
    const matching = rows.filter((row) => semver.satisfies(row.version, range));
    if (matching.length === 0)
      throw RegistryErrors.versionNotFound(
        name,
        range,
        rows.map((row) => row.version),
      );
    return matching;
  }

  /** Installed versions of a plugin (newest first), optionally only those in a semver range. */
  async info(name: string, range?: string): Promise<InstalledPlugin[]> {
    const rows = range === undefined ? await this.#versions(name) : await this.#matching(name, range);
    const installed: InstalledPlugin[] = [];
    for (const row of rows) installed.push(await this.#toInstalled(row));
    return installed;
  }

  /** The highest installed version satisfying the range. */
  async resolve(name: string, range: string): Promise<InstalledPlugin> {
    if (semver.validRange(range) === null) throw RegistryErrors.rangeInvalid(name, range);
    const versions = await this.#catalog.versionNumbers(name);
    if (versions.length === 0) throw RegistryErrors.pluginNotFound(name);
    const best = semver.maxSatisfying(versions, range);
    if (best === null) throw RegistryErrors.versionNotFound(name, range, versions.sort(semver.rcompare));
    return this.get(name, best);
  }

  async #row(name: string, version: string, catalog = this.#catalog): Promise<VersionRow> {
    const row = await catalog.get(name, version);
    if (row) return row;
    throw RegistryErrors.versionNotFound(name, version, await catalog.versionNumbers(name));
  }

  async get(name: string, version: string): Promise<InstalledPlugin> {
    return this.#toInstalled(await this.#row(name, version));
  }

  /**
   * Makes sure name@version's files are in this host's plugins folder before it runs, and returns the folder. On the
   * shared index a version another host installed is fetched from the database on first use, checked against its
   * integrity and signature as install checks, and extracted (AH_PACKAGE_TAMPERED, nothing extracted, otherwise).
   */
  async ensureLocal(name: string, version: string): Promise<string> {
    return this.#local.ensure(await this.#row(name, version));
  }

  /** The entry script's code (fetched first where another host installed it), checked against its recorded sha256. */
  async readEntry(name: string, version: string): Promise<string> {
    const row = await this.#row(name, version);
    await this.#local.ensure(row);
    const key = packagePath(row.manifest.entry) ?? row.manifest.entry;
    const data = readRecordedFile(`${name}@${version}`, this.#versionDir(name, version), row.files, key);
    return data.toString('utf8');
  }

  /** The mapping presets of a version, by preset name. */
  async mappings(name: string, version: string): Promise<Record<string, Record<string, unknown>>> {
    return (await this.#row(name, version)).mappings;
  }

  /** Records that `owner` (e.g. "workflow:12") uses this version; pinned versions resist removal. */
  async pin(name: string, version: string, owner: string): Promise<void> {
    await this.#row(name, version);
    await this.#catalog.pin(name, version, owner, new Date().toISOString());
  }

  /** Drops every pin held by `owner`. */
  async unpin(owner: string): Promise<void> {
    await this.#catalog.unpin(owner);
  }

  pins(name: string, version: string): Promise<string[]> {
    return this.#catalog.pins(name, version);
  }

  /** Removes an installed version; a pinned one only with `force`. */
  // On the shared index the row and its package go for every host; other hosts' folders of it are never run again
  // (a version reinstalled under the same number is checked against the new integrity and extracted afresh).
  async remove(name: string, version: string, options: { force?: boolean } = {}): Promise<void> {
    const dir = this.#versionDir(name, version);
    const aside = join(this.pluginsDir, `.trash-${randomUUID()}`);
    let moved = false;
    try {
      await this.#catalog.transaction(async (catalog) => {
        await this.#row(name, version, catalog);
        const owners = await catalog.pins(name, version);
        if (owners.length > 0 && !options.force) throw RegistryErrors.versionPinned(`${name}@${version}`, owners);
        if (existsSync(dir)) {
          renameSync(dir, aside);
          moved = true;
        }
        await catalog.delete(name, version);
      });
      this.#local.forget(name, version);
    } catch (error) {
      if (moved) renameSync(aside, dir);
      throw error;
    }
    rmSync(aside, { recursive: true, force: true });
    this.#removeEmptyParents(dir);
  }

  /**
   * Re-hashes every stored tarball and extracted file against what was recorded at install, and checks each stored
   * package's signature again against the trust store as it is now (under the `trusted` policy, a version no trusted
   * publisher signed is a problem too).
   */
  async verify(options: { signal?: AbortSignal } = {}): Promise<VerifyReport[]> {
    const rows = (await this.#catalog.all()).sort(byNameThenVersion);
    const reports: VerifyReport[] = [];
    for (const row of rows) {
      const dir = this.#versionDir(row.name, row.version);
      // A version another host installed and this one has not run yet: its package in the database is what counts.
      const remoteOnly = this.#catalog.keepsPackages && !existsSync(dir);
      const problems = remoteOnly ? [] : storedVersionProblems(dir, row.integrity, row.files);
      const signature = await this.#storedSignature(row, dir, problems, remoteOnly, options.signal);
      if (this.signaturePolicy === 'trusted' && (signature.status === 'unsigned' || signature.status === 'untrusted')) {
        problems.push(`${signature.status}: this host's policy installs only packages signed by a trusted publisher`);
      }
      reports.push({ name: row.name, version: row.version, ok: problems.length === 0, problems, signature });
    }
    return reports;
  }

  // The signature of the stored package.tgz, verified again from its bytes; a broken one adds a problem.
  async #storedSignature(
    row: VersionRow,
    dir: string,
    problems: string[],
    remoteOnly: boolean,
    signal: AbortSignal | undefined,
  ): Promise<VerifyReport['signature']> {
    const recorded = await signatureStatus(row.signature, this.#catalog);
    let bytes: Buffer;
    if (remoteOnly) {
      const stored = await this.#catalog.packageOf(row.name, row.version);
      if (!stored) {
        problems.push('the package is neither in this data folder nor in the database');
        return recorded;
      }
      if (integrityOf(stored.bytes) !== row.integrity) {
        problems.push(`the package kept in the database does not match ${row.integrity}`);
        return recorded;
      }
      bytes = stored.bytes;
    } else {
      try {
        bytes = await readFile(join(dir, RESERVED_FILE), { signal });
      } catch {
        return recorded; // already reported as missing
      }
    }
    try {
      const contents = await readPackage(bytes, { limits: this.#limits, signal });
      const checked = await admitSignature(contents.files, row.manifest, this.#catalog, 'optional');
      const now = await signatureStatus(checked, this.#catalog);
      if (now.keyId !== recorded.keyId) problems.push(`the signature is no longer the one recorded at install`);
      return now;
    } catch (error) {
      problems.push(`${RESERVED_FILE}: ${(error as Error).message}`);
      return { status: 'invalid', keyId: row.signature?.keyId ?? null, publisher: null };
    }
  }

  /** Whether a version's capabilities are approved, and how it differs from the approved, previous and pinned ones. */
  async review(name: string, version: string): Promise<CapabilityReview> {
    return capabilityReview(this.#catalog, await this.#row(name, version));
  }

  /** Records that `actor` approves what the version may reach; an approval it has already stands. */
  async approve(
    name: string,
    version: string,
    actor: string,
    via: ApprovalVia = 'approve',
  ): Promise<CapabilityApproval> {
    return approveVersion(this.#catalog, await this.#row(name, version), actor, via);
  }

  /** The difference between two installed versions; without `from`, against the highest other approved version. */
  async difference(name: string, from: string | undefined, to: string): Promise<PluginDifference> {
    if (from === undefined) return (await this.review(name, to)).difference;
    return pluginDifference(name, await this.#row(name, from), await this.#row(name, to));
  }

  /** The publisher keys this store trusts. */
  trustedKeys(): Promise<TrustedKey[]> {
    return this.#catalog.trustedKeys();
  }

  /** Trusts a publisher key (SPKI PEM or "ed25519:<base64>"); `added` is false when it was trusted already. */
  trust(publicKey: string, publisher: string, addedBy: string): Promise<{ key: TrustedKey; added: boolean }> {
    return addTrustedKey(this.#catalog, publicKey, publisher, addedBy);
  }

  /** Stops trusting a key; the versions it signed become `untrusted` (installed ones stay installed). */
  distrust(keyId: string): Promise<void> {
    return removeTrustedKey(this.#catalog, keyId);
  }

  /** A value this store keeps for its host (e.g. that the first-party key was offered once). */
  note(key: string): Promise<string | undefined> {
    return this.#catalog.meta(key);
  }

  setNote(key: string, value: string): Promise<void> {
    return this.#catalog.setMeta(key, value);
  }

  close(): Promise<void> {
    return this.#catalog.close();
  }
}
