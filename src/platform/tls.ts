// The HTTP listener's TLS pair: given files, or a self-signed P-256 pair generated once into the data
// dir by the system's openssl (key mode 0600), its SHA-256 fingerprint printed for pinning.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../api/index.ts';
import type { PlatformConfig } from './config.ts';

export interface TlsPair {
  cert: Buffer;
  key: Buffer;
  fingerprint256: string;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ApiError('GT_ERR_API_TLS', `cannot read the TLS ${what} ${path}`, {
      hint: 'check httpTlsCert / httpTlsKey',
      cause,
    });
  }
}

function generate(dir: string, log: (l: string) => void): void {
  const key = join(dir, 'http-key.pem');
  const cert = join(dir, 'http-cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '825',
        '-subj',
        '/CN=gridtrust',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    chmodSync(key, 0o600);
    chmodSync(cert, 0o600);
  } catch (cause) {
    throw new ApiError('GT_ERR_API_TLS', 'cannot generate a self-signed certificate', {
      hint: 'install openssl, or give httpTlsCert and httpTlsKey',
      cause,
    });
  }
  log(`generated a self-signed TLS certificate in ${dir}`);
}

/** The configured pair, or undefined for plain HTTP. */
export function resolveTls(
  config: PlatformConfig,
  dataDir: string,
  log: (l: string) => void,
): TlsPair | undefined {
  let certPath = config.httpTlsCert;
  let keyPath = config.httpTlsKey;
  if ((certPath === undefined) !== (keyPath === undefined))
    throw new ApiError('GT_ERR_API_TLS', 'httpTlsCert and httpTlsKey go together', {
      hint: 'give both files, or neither',
    });
  if (certPath === undefined && config.httpTls === 'self-signed') {
    certPath = join(dataDir, 'http-cert.pem');
    keyPath = join(dataDir, 'http-key.pem');
    if (!existsSync(certPath) || !existsSync(keyPath)) generate(dataDir, log);
  }
  if (certPath === undefined || keyPath === undefined) return undefined;
  const cert = read(certPath, 'certificate');
  const key = read(keyPath, 'key');
  let fingerprint256: string;
  try {
    fingerprint256 = new X509Certificate(cert).fingerprint256;
  } catch (cause) {
    throw new ApiError('GT_ERR_API_TLS', `${certPath} is not a PEM certificate`, {
      hint: 'give a PEM (BEGIN CERTIFICATE) file',
      cause,
    });
  }
  return { cert, key, fingerprint256 };
}
