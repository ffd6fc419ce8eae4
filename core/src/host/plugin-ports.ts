// The registry's PluginStore seen through the ports the host's concerns declare: the workflow's PluginCatalog
// (resolve, pin, capability approvals) and the API's PluginsPort (list, upload, reviews). Wired once here so the host and its tests agree.
import type { PluginStore } from '@actionhost/registry';
import type { PluginsPort } from '../api/index.ts';
import type { PluginCatalog } from '../workflow/index.ts';

export function registryCatalog(plugins: PluginStore): PluginCatalog {
  return {
    resolve: (name, range) => plugins.resolve(name, range),
    pin: (name, version, owner) => plugins.pin(name, version, owner),
    unpin: (owner) => plugins.unpin(owner),
    capabilityReview: (name, version) => plugins.review(name, version),
    approveCapabilities: async (name, version, actor) => {
      await plugins.approve(name, version, actor, 'publish');
    },
  };
}

export function registryPluginsPort(plugins: PluginStore): PluginsPort {
  return {
    list: () => plugins.list(),
    install: ({ tarball, actor, acceptCapabilities }) =>
      plugins.install({ tarball, source: 'api upload' }, { actor, acceptCapabilities, channel: 'upload' }),
    review: (name, version) => plugins.review(name, version),
    approve: (name, version, actor) => plugins.approve(name, version, actor),
    difference: (name, from, to) => plugins.difference(name, from, to),
    get: (name, version) => plugins.get(name, version),
    mappings: (name, version) => plugins.mappings(name, version),
    pins: (name, version) => plugins.pins(name, version),
    trustedKeys: () => plugins.trustedKeys(),
    trust: (publicKey, publisher, addedBy) => plugins.trust(publicKey, publisher, addedBy),
    distrust: (keyId) => plugins.distrust(keyId),
  };
}
