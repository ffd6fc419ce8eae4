// The version folders of this host, on the shared (PostgreSQL) index: a version another host installed is fetched
// from the database on first use, checked as install checks it (integrity, package rules, publisher signature
// against this host's policy) and extracted, so that every host can run every pinned version.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { integrityOf, pluginId } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';
import { RESERVED_FILE, readPackage, writePackage, type ResolvedLimits } from '../tarball/index.ts';
import type { Catalog, VersionRow } from './catalog.ts';
import { checkPackage } from './package-check.ts';
import { sameContent } from './stored-files.ts';
import { admitSignature, type SignaturePolicy } from './trust.ts';

export interface LocalCopiesOptions {
  catalog: Catalog;
  limits: ResolvedLimits;
  policy: SignaturePolicy;
  pluginsDir: string;
  versionDir(name: string, version: string): string;
}

export class LocalCopies {
  readonly #options: LocalCopiesOptions;
  /** Versions (with their integrity) found or placed in this folder by this process: checked once. */
  readonly #present = new Set<string>();
  readonly #placing = new Map<string, Promise<void>>();

  constructor(options: LocalCopiesOptions) {
    this.#options = options;
  }

  /** The version's folder, extracted from the database first when this host does not have it. */
  async ensure(row: VersionRow): Promise<string> {
    const dir = this.#options.versionDir(row.name, row.version);
    // SQLite: the folder is the only copy; reading a file of it says what is missing or changed.
    if (!this.#options.catalog.keepsPackages) return dir;
    const key = `${pluginId(row.name, row.version)}#${row.integrity}`;
    if (this.#present.has(key)) return dir;
    let placing = this.#placing.get(key);
    if (!placing) {
      placing = this.#place(row, dir).finally(() => this.#placing.delete(key));
      this.#placing.set(key, placing);
    }
    await placing;
    this.#present.add(key);
    return dir;
  }

  /** This host removed the version's folder: a version installed again under that number is checked afresh. */
  forget(name: string, version: string): void {
    const prefix = `${pluginId(name, version)}#`;
    for (const key of this.#present) if (key.startsWith(prefix)) this.#present.delete(key);
  }

  async #place(row: VersionRow, dir: string): Promise<void> {
    if (await holdsPackage(dir, row.integrity)) return;
    const { catalog, limits, policy, pluginsDir } = this.#options;
    const plugin = pluginId(row.name, row.version);
    const stored = await catalog.packageOf(row.name, row.version);
    if (!stored) throw RegistryErrors.packageTampered(plugin, 'is missing');
    const actual = integrityOf(stored.bytes);
    if (actual !== row.integrity || stored.integrity !== row.integrity) {
      throw RegistryErrors.packageTampered(plugin, `does not match ${row.integrity}`, {
        expected: row.integrity,
        actual,
      });
    }
    const contents = await readPackage(stored.bytes, { limits });
    const { manifest } = checkPackage(contents);
    if (manifest.name !== row.name || manifest.version !== row.version) {
      throw RegistryErrors.packageTampered(plugin, `is ${pluginId(manifest.name, manifest.version)}`);
    }
    await admitSignature(contents.files, manifest, catalog, policy);
    const temp = join(pluginsDir, `.tmp-${randomUUID()}`);
    const aside = join(pluginsDir, `.trash-${randomUUID()}`);
    try {
      const files = await writePackage(contents, temp);
      if (!sameContent(files, row.files)) {
        throw RegistryErrors.packageTampered(plugin, 'holds other files than were recorded at install');
      }
      const kept = join(temp, RESERVED_FILE);
      await writeFile(kept, stored.bytes, { flag: 'wx', mode: 0o644 });
      await chmod(kept, 0o644);
      await mkdir(dirname(dir), { recursive: true, mode: 0o755 });
      // A folder of the same name@version that is not this package (removed, then installed anew elsewhere).
      if (existsSync(dir)) await rename(dir, aside);
      try {
        await rename(temp, dir);
      } catch (error) {
        // Another process on this data folder placed it meanwhile.
        if (!(await holdsPackage(dir, row.integrity))) throw error;
      }
    } finally {
      await rm(temp, { recursive: true, force: true });
      await rm(aside, { recursive: true, force: true });
    }
  }
}

/** Whether the folder holds the package with this integrity (its files are checked when read). */
async function holdsPackage(dir: string, integrity: string): Promise<boolean> {
  try {
    return integrityOf(await readFile(join(dir, RESERVED_FILE))) === integrity;
  } catch {
    return false;
  }
}
