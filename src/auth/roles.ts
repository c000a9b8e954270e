import type { TokenScope } from './tokens.ts';

/** viewer reads; admin also writes; owner also reads the audit log and manages members. */
export const ROLES = ['owner', 'admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function scopeOfRole(role: Role): TokenScope {
  return role === 'viewer' ? 'read' : 'write';
}
