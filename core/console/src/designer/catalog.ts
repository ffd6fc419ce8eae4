// What the designer's dropdowns offer, loaded once per visit: installed plugins, the request fields placeholders
// may read (from the same table publishing checks), App Integrations and credential names (never secrets).
import type { CredentialSummary } from '@actionhost/core';
import { api, segment } from '../api.ts';
import type { PluginSummary } from './model.ts';

export interface AppIntegrationName {
  name: string;
  application: string;
  action: string;
  plugin: string;
  mappings: Record<string, unknown>;
}

export interface Catalog {
  plugins: PluginSummary[];
  fields: string[];
  openPrefixes: string[];
  appIntegrations: AppIntegrationName[];
  credentials: CredentialName[];
}

/** GET /api/lookups/credentials: a name, its type and the binding an admin gave it (never a secret). */
export type CredentialName = Pick<CredentialSummary, 'name' | 'type' | 'binding'>;

export async function loadCatalog(signal: AbortSignal): Promise<Catalog> {
  const [plugins, fields, appIntegrations, credentials] = await Promise.all([
    api<PluginSummary[]>('GET', '/api/plugins', undefined, { signal }),
    api<{ fields: string[]; openPrefixes: string[] }>('GET', '/api/lookups/request-fields', undefined, { signal }),
    api<AppIntegrationName[]>('GET', '/api/lookups/app-integrations', undefined, { signal }),
    api<CredentialName[]>('GET', '/api/lookups/credentials', undefined, { signal }),
  ]);
  return { plugins, fields: fields.fields, openPrefixes: fields.openPrefixes, appIntegrations, credentials };
}

export interface PluginDetail {
  name: string;
  version: string;
  integrity: string;
  installedAt: string;
  manifest: PluginSummary['manifest'] & { input: Record<string, unknown>; output: Record<string, unknown> };
  mappings: Record<string, Record<string, unknown>>;
  pinnedBy: { workflowId: string; name: string | null; publishedVersion: number | null }[];
}

const details = new Map<string, Promise<PluginDetail>>();

/** One plugin version's manifest and presets; cached for the page's life (installed versions are immutable). */
export function pluginDetail(name: string, version: string): Promise<PluginDetail> {
  const key = `${name}@${version}`;
  let found = details.get(key);
  if (!found) {
    found = api<PluginDetail>('GET', `/api/plugins/${segment(name)}/${segment(version)}`);
    found.catch(() => details.delete(key));
    details.set(key, found);
  }
  return found;
}
