// The host's HTTPS certificate: read and checked from the tlsCert / tlsKey files at start, and again on SIGHUP, when
// the server takes the new pair for new connections (established ones keep theirs) or, if the files are not a
// valid pair, keeps serving the one it has.
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import { CommandLineErrors } from '@actionhost/sdk/cli';
import { isActionhostError, type ActionhostError } from '@actionhost/sdk';
import { CoreErrors } from '../errors/index.ts';
import { TLS_MIN_VERSION } from '../api/index.ts';
import type { HostConfig } from '../config/index.ts';

/** What an operator needs to tell one certificate from another (all of it public). */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface TlsFiles {
  cert: string;
  key: string;
  certificate: CertificateSummary;
}

/**
 * The certificate and key to serve HTTPS with, read and checked (PEM, and the key belongs to the certificate); null
 * when neither is set. One without the other is a configuration mistake, refused like any bad setting.
 */
export function readTlsFiles(config: Pick<HostConfig, 'tlsCert' | 'tlsKey'>): TlsFiles | null {
  const { tlsCert, tlsKey } = config;
  if (tlsCert === undefined && tlsKey === undefined) return null;
  if (tlsCert === undefined || tlsKey === undefined) {
    const [given, missing] = tlsCert === undefined ? ['tlsKey', 'tlsCert'] : ['tlsCert', 'tlsKey'];
    const flag = missing === 'tlsCert' ? '--tls-cert' : '--tls-key';
    throw CommandLineErrors.configInvalid([
      {
        setting: missing,
        source: 'default',
        problem: `is not set, but ${given} is: HTTPS needs both`,
        fix: `give ${flag} <file> (or unset ${given} to serve plain HTTP)`,
      },
    ]);
  }
  const read = (path: string, what: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw CoreErrors.AH_TLS_INVALID({ problem: `the ${what} ${path} cannot be read (${reason})` }, { path });
    }
  };
  const cert = read(tlsCert, 'certificate');
  const key = read(tlsKey, 'key');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw CoreErrors.AH_TLS_INVALID({ problem: `${tlsCert} holds no PEM certificate` }, { path: tlsCert });
  }
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw CoreErrors.AH_TLS_INVALID({ problem: `${tlsKey} holds no PEM private key` }, { path: tlsKey });
  }
  if (!matches)
    throw CoreErrors.AH_TLS_INVALID(
      { problem: `the key in ${tlsKey} does not belong to the certificate in ${tlsCert}` },
      { path: tlsKey },
    );
  return {
    cert,
    key,
    certificate: {
      subject: oneLine(certificate.subject),
      issuer: oneLine(certificate.issuer),
      validFrom: certificate.validFromDate.toISOString(),
      validTo: certificate.validToDate.toISOString(),
      fingerprint256: certificate.fingerprint256,
    },
  };
}

/** What a SIGHUP did: the new certificate is served, or the files were refused and the previous one still is. */
export type TlsReload =
  | { reloaded: true; certificate: CertificateSummary; previous: CertificateSummary }
  | { reloaded: false; error: ActionhostError; certificate: CertificateSummary };

/**
 * Reads the files again and hands a valid pair to the listening server (tls.Server#setSecureContext): handshakes from
 * now on use it, connections already open keep the certificate they were made with. A bad pair changes nothing.
 */
export function reloadTlsFiles(
  server: TlsServer,
  config: Pick<HostConfig, 'tlsCert' | 'tlsKey'>,
  current: TlsFiles,
): { files: TlsFiles; reload: TlsReload } {
  try {
    const files = readTlsFiles(config);
    if (!files) throw CoreErrors.AH_TLS_INVALID({ problem: 'tlsCert and tlsKey are no longer set' });
    server.setSecureContext({ cert: files.cert, key: files.key, minVersion: TLS_MIN_VERSION });
    return { files, reload: { reloaded: true, certificate: files.certificate, previous: current.certificate } };
  } catch (error) {
    const refused = isActionhostError(error)
      ? error
      : CoreErrors.AH_TLS_INVALID({ problem: (error as Error).message ?? String(error) });
    return { files: current, reload: { reloaded: false, error: refused, certificate: current.certificate } };
  }
}

/** "CN=a\nO=b" (how X509Certificate gives names) as "CN=a, O=b". */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
