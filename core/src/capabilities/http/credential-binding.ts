// Where a host-held credential may go: the URL prefixes and plugins an admin approved when creating it. Checked
// on every use (executions, Test Connection, `actionhost invoke`) before the credential is attached, and on every
// redirect hop: a hop outside the binding goes on without the credential.
import type { CredentialUse } from './options.ts';

export type BindingVerdict = { allowed: true } | { allowed: false; reason: string };

/** Whether `use` lets `plugin` send the credential to `url`. */
export function bindingAllows(use: CredentialUse | undefined, url: URL, plugin: string): BindingVerdict {
  if (use === undefined) return { allowed: false, reason: 'it has no binding' };
  if (use.plugins.length > 0 && !use.plugins.includes(plugin)) {
    return { allowed: false, reason: `its binding does not list the plugin ${plugin}` };
  }
  if (use.urls.length === 0) return { allowed: false, reason: 'its binding lists no URL it may be sent to' };
  if (!use.urls.some((prefix) => urlUnder(prefix, url))) {
    return { allowed: false, reason: 'the URL is outside the URL prefixes of its binding' };
  }
  return { allowed: true };
}

/** `url` is under `prefix`: same scheme, host (or a subdomain of `*.host`), port, and path at a "/" boundary. */
export function urlUnder(prefix: string, url: URL): boolean {
  if (prefix === '*') return true; // only the plugin test harness uses it; the API refuses it
  let base: URL;
  try {
    base = new URL(prefix);
  } catch {
    return false;
  }
  if (base.protocol !== url.protocol || portOf(base) !== portOf(url)) return false;
  const host = url.hostname.replace(/\.$/, '');
  const pattern = base.hostname.replace(/\.$/, '');
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    if (!host.endsWith(suffix) || host.length === suffix.length) return false;
  } else if (pattern !== host) {
    return false;
  }
  const path = base.pathname;
  if (path === '/' || url.pathname === path) return true;
  return url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}
