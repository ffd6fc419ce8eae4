// What publishing needs from its neighbours, declared here as small interfaces (ports) so it can be tested with
// fakes and the host wires the real registry and App Integrations.
import type { Json, PluginManifest } from '@actionhost/sdk';

type MaybePromise<T> = T | Promise<T>;

export interface ResolvedPlugin {
  name: string;
  version: string;
  /** sha512 SRI of the installed tarball: pinned with the version. */
  integrity: string;
  manifest: PluginManifest;
}

/** The installed plugins (registry PluginStore). */
export interface PluginCatalog {
  /**
   * Highest installed version satisfying `range`; null/undefined, or an ActionhostError with status 404 (and the
   * installed versions in details.installed), when none.
   */
  resolve(name: string, range: string): MaybePromise<ResolvedPlugin | null | undefined>;
  /** Records that `owner` (here `workflow:<id>`) depends on name@version, so `registry remove` refuses it. */
  pin(name: string, version: string, owner: string): MaybePromise<void>;
  /** Drops every pin held by `owner`. */
  unpin(owner: string): MaybePromise<void>;
}

/** An App Integration by name → the application it runs against, the plugin, and its default mappings. */
export interface ResolvedAppIntegration {
  applicationId: string;
  plugin: { name: string; range: string };
  mappings: Record<string, Json>;
}
export interface AppIntegrationResolver {
  resolveAppIntegration(name: string): MaybePromise<ResolvedAppIntegration | null | undefined>;
}
