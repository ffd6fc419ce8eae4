// `registry install --from URL name@range`: asks a remote `registry serve` for a plugin's versions, picks the
// highest in range, downloads its tarball and returns it with the advertised integrity. Every read is capped
// (the version list at 8 MiB, the tarball at 64 MiB, both counted as the bytes arrive, after any decoding) and
// the whole exchange has a deadline: a remote cannot make this process hold more than the caps.
import semver from 'semver';
import { z } from 'zod';
import { isActionhostError } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';

export interface RemoteTarball {
  tarball: Uint8Array;
  /** The integrity the remote advertises: the install checks the bytes against it */
  integrity: string;
  name: string;
  version: string;
  /** The tarball's URL, for messages */
  source: string;
}

export interface FetchRemoteOptions {
  signal?: AbortSignal;
  /** Deadline for the whole exchange (default 60 s) */
  timeoutMs?: number;
  /** Largest tarball accepted (default 64 MiB) */
  maxBytes?: number;
  /** Largest version list (GET /<name>) accepted (default 8 MiB, some 40 000 versions) */
  maxMetadataBytes?: number;
}

export const REMOTE_LIMITS = { maxBytes: 64 * 1024 * 1024, maxMetadataBytes: 8 * 1024 * 1024 } as const;

/** What GET /<name> answers, as this client accepts it: anything else is a remote fault, not a crash. */
const Packument = z.object({
  versions: z.record(
    z.string(),
    z.object({ integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]+={0,2}$/), tarball: z.string().min(1) }),
  ),
});

async function get(url: string, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { signal, redirect: 'error' });
  } catch (error) {
    signal.throwIfAborted();
    throw RegistryErrors.remoteUnavailable(url, (error as Error).message);
  }
}

/** Frees the connection of an answer whose body will not be read. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/**
 * The body, or `tooLarge` as soon as the bytes received pass `maxBytes`: a declared Content-Length over the cap is
 * refused before reading, and a body without one stops at the cap, so at most `maxBytes` are ever held.
 */
async function readCapped(
  response: Response,
  maxBytes: number,
  tooLarge: (bytes: number) => Error,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await discard(response);
    throw tooLarge(declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return new Uint8Array(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) throw tooLarge(size);
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks);
}

export async function fetchRemote(
  baseUrl: string,
  name: string,
  range: string,
  options: FetchRemoteOptions = {},
): Promise<RemoteTarball> {
  if (semver.validRange(range) === null) throw RegistryErrors.rangeInvalid(name, range);
  const maxBytes = options.maxBytes ?? REMOTE_LIMITS.maxBytes;
  const maxMetadataBytes = options.maxMetadataBytes ?? REMOTE_LIMITS.maxMetadataBytes;
  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs ?? 60_000),
    ...(options.signal ? [options.signal] : []),
  ]);
  const base = new URL(baseUrl);
  const packumentUrl = new URL(`/${name.split('/').map(encodeURIComponent).join('/')}`, base).href;
  try {
    const answer = await get(packumentUrl, signal);
    if (!answer.ok) {
      await discard(answer);
      if (answer.status === 404) throw RegistryErrors.pluginNotFound(name);
      throw RegistryErrors.remoteUnavailable(packumentUrl, `HTTP ${answer.status}`);
    }
    const text = await readCapped(answer, maxMetadataBytes, (bytes) =>
      RegistryErrors.remoteTooLarge(packumentUrl, 'version list', bytes, maxMetadataBytes),
    );
    let parsed: z.infer<typeof Packument>;
    try {
      parsed = Packument.parse(JSON.parse(Buffer.from(text).toString('utf8')));
    } catch {
      throw RegistryErrors.remoteUnavailable(packumentUrl, 'the version list is not what `registry serve` answers');
    }
    const versions = Object.keys(parsed.versions).filter((version) => semver.valid(version) === version);
    const version = semver.maxSatisfying(versions, range);
    if (version === null) throw RegistryErrors.versionNotFound(name, range, versions);
    const { integrity, tarball } = parsed.versions[version];
    const tarballUrl = new URL(tarball, base);
    if (tarballUrl.origin !== base.origin)
      throw RegistryErrors.remoteUnavailable(packumentUrl, 'tarball URL points to another origin');
    const download = await get(tarballUrl.href, signal);
    if (!download.ok) {
      await discard(download);
      throw RegistryErrors.remoteUnavailable(tarballUrl.href, `HTTP ${download.status}`);
    }
    const bytes = await readCapped(download, maxBytes, (size) =>
      RegistryErrors.tooLarge(`the tarball at ${tarballUrl.href}`, size, maxBytes, tarballUrl.href),
    );
    return { tarball: bytes, integrity, name, version, source: tarballUrl.href };
  } catch (error) {
    if (isActionhostError(error) || options.signal?.aborted) throw error;
    if (signal.aborted) throw RegistryErrors.remoteUnavailable(base.href, 'timed out');
    throw RegistryErrors.remoteUnavailable(base.href, (error as Error).message);
  }
}
