// A throwaway certificate authority for tests (openssl on this machine): a CA, and server certificates it signs for
// the IP addresses or names a test listens on, written to a temporary folder as PEM files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export interface TestCa {
  dir: string;
  /** PEM of the CA certificate: what clients verify the servers' certificates against. */
  ca: string;
  caFile: string;
  /** A server certificate for these IP addresses and DNS names, signed by the CA. */
  issue(names: string[], label?: string): TestCertificate;
  close(): void;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(commonName = 'actionhost test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'actionhost-ca-'));
  openssl(
    ['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${commonName}`],
    dir,
  );
  let serial = 0;
  return {
    dir,
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caFile: join(dir, 'ca.pem'),
    issue(names, label = `server${++serial}`) {
      const san = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
      writeFileSync(
        join(dir, `${label}.ext`),
        `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
      );
      openssl(
        ['req', ...EC_KEY, '-keyout', `${label}.key`, '-out', `${label}.csr`, '-subj', `/CN=${names[0] ?? label}`],
        dir,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${label}.csr`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-days',
          '2',
          '-extfile',
          `${label}.ext`,
          '-out',
          `${label}.pem`,
        ],
        dir,
      );
      const certFile = join(dir, `${label}.pem`);
      const keyFile = join(dir, `${label}.key`);
      return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
