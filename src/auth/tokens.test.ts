import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { listAudit } from './audit.ts';
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from './tokens.ts';

describeEachStore('API tokens', ({ store }) => {
  it('are shown once, stored hashed, verified, and revoked', async () => {
    const { db } = store();
    const { token, info } = await createApiToken(db, { workspaceId: 'default', name: 'ci', scope: 'read' });
    expect(token).toMatch(/^atls_/);
    const dump = await db.query('SELECT * FROM api_tokens');
    expect(JSON.stringify(dump.rows)).not.toContain(token);
    expect(await verifyApiToken(db, token)).toEqual({
      workspaceId: 'default',
      scope: 'read',
      tokenId: info.id,
    });
    expect(await verifyApiToken(db, `${token}x`)).toBeNull();
    expect(await revokeApiToken(db, info.id)).toBe(true);
    expect(await verifyApiToken(db, token)).toBeNull();
    expect(await revokeApiToken(db, info.id)).toBe(false);
    expect((await listApiTokens(db, 'default'))[0]?.revokedAt).toBeInstanceOf(Date);
    const audit = await listAudit(db, 'default');
    expect(audit.map((a) => a.action)).toEqual(['token.revoked', 'token.created']);
  });

  it('refuses a token for a workspace that does not exist', async () => {
    await expect(createApiToken(store().db, { workspaceId: 'nope', name: 'x' })).rejects.toThrow(
      /No workspace "nope"/,
    );
  });
});
