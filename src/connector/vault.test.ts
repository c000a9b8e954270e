import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVault, loadMasterKey, maskSecret } from './vault.ts';

describe('credential vault', () => {
  it('round-trips, never stores the plaintext, and detects tampering', () => {
    const vault = createVault(Buffer.alloc(32, 7));
    const sealed = vault.encrypt('rk_live_abcdef1234');
    expect(sealed).not.toContain('abcdef');
    expect(vault.decrypt(sealed)).toBe('rk_live_abcdef1234');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('rk_live_zzzzzz1234').toString('base64url');
    expect(() => vault.decrypt(parts.join('.'))).toThrow(/master key/);
    expect(() => createVault(Buffer.alloc(32, 8)).decrypt(sealed)).toThrow(/master key/);
  });

  it('generates a 0600 key file once and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-vault-'));
    const a = loadMasterKey({ dataDir: dir });
    const b = loadMasterKey({ dataDir: dir });
    expect(a.equals(b)).toBe(true);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'master.key'), 'utf8')).toBe(a.toString('base64'));
  });

  it('rejects a master key of the wrong size with advice', () => {
    expect(() => loadMasterKey({ secretKey: 'short', dataDir: '/nonexistent' })).toThrow(/32 bytes/);
  });

  it('masks keys to their mode prefix and last four characters', () => {
    expect(maskSecret('rk_live_51Habcdefghij1234')).toBe('rk_live_…1234');
    expect(maskSecret('whsec_abcdefgh9876')).toBe('whsec_…9876');
  });
});
