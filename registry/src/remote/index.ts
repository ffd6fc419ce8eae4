// Front door of the remote concern: serve a store over HTTP, and fetch a plugin version from such a server.
export { RegistryServer, tarballPath, type RemotePackument } from './server.ts';
export { fetchRemote, REMOTE_LIMITS, type RemoteTarball, type FetchRemoteOptions } from './client.ts';
