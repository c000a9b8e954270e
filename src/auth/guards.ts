import type { RequestPrincipal } from '../api/auth.ts';
import { ApiError } from '../api/errors.ts';
import type { Role } from './roles.ts';
import { PeopleError } from './users.ts';

/** Route guards on top of the app's scope check: some actions need a person, or a given role. */

export function requireUser(p: RequestPrincipal): string {
  if (!p.userId)
    throw new ApiError(403, 'user_required', 'Sign in as a person for this action; API tokens cannot do it');
  return p.userId;
}

/** Owners manage members and read the audit log; API tokens never can (they have no role). */
export function requireRole(p: RequestPrincipal, ...roles: Role[]): void {
  if (!p.role || !roles.includes(p.role))
    throw new ApiError(
      403,
      'insufficient_role',
      `This action needs the ${roles.join(' or ')} role in this workspace; ask an owner`,
    );
}

const PEOPLE_STATUS: Record<string, number> = {
  weak_password: 400,
  invalid_setup_token: 400,
  email_taken: 409,
  already_member: 409,
  already_set_up: 409,
  last_owner: 409,
};

/** Runs `fn`, turning a PeopleError into the API's error shape. */
export async function peopleCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PeopleError)
      throw new ApiError(PEOPLE_STATUS[error.code] ?? 400, error.code, error.message);
    throw error;
  }
}
