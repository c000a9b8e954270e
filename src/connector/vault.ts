import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Credentials at rest: AES-256-GCM with a master key from ATLAS_SECRET_KEY, or a key file
 * (mode 0600) generated in the data folder for the embedded default. Ciphertexts are
 * `v1.<iv>.<tag>.<data>` in base64url; the tag makes any tampering a decryption error.
 */

export interface Vault {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

export class VaultError extends Error {
  override name = 'VaultError';
}

function parseMasterKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new VaultError(
      'ATLAS_SECRET_KEY must be 32 bytes, as 64 hex characters or base64 (openssl rand -base64 32)',
    );
  }
  return key;
}

/** The master key: from the configured secret, else read or created in `<dataDir>/master.key`. */
export function loadMasterKey(options: { secretKey?: string; dataDir: string }): Buffer {
  if (options.secretKey) return parseMasterKey(options.secretKey);
  const file = join(options.dataDir, 'master.key');
  if (existsSync(file)) return parseMasterKey(readFileSync(file, 'utf8'));
  mkdirSync(options.dataDir, { recursive: true });
  writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return parseMasterKey(readFileSync(file, 'utf8'));
}

export function createVault(masterKey: Buffer): Vault {
  if (masterKey.length !== 32) throw new VaultError('The master key must be 32 bytes');
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    decrypt(ciphertext) {
      const [version, iv, tag, data] = ciphertext.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined)
        throw new VaultError('Unrecognised ciphertext');
      try {
        const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch (error) {
        throw new VaultError(
          'Cannot decrypt a stored credential: the master key differs from the one it was sealed with',
          {
            cause: error,
          },
        );
      }
    },
  };
}

/** `rk_live_…1234`: enough to recognise a key, never enough to use it. */
export function maskSecret(secret: string): string {
  const m = /^((?:sk|rk|pk)_(?:test|live)_|whsec_)/.exec(secret);
  const prefix = m ? m[1] : '';
  return `${prefix}…${secret.slice(-4)}`;
}
