import { FAMILIES, type Family, type FamilySpec } from '../store/families.ts';

/**
 * What a backfill reads and how a range is cut in two. Pure, so the splitting rule is tested
 * without a server.
 */

/** Families listed per customer: there is no account-wide list of payment methods. */
export const DEPENDENT_FAMILIES: Partial<
  Record<Family, { parent: Family; path: (parentId: string) => string }>
> = {
  payment_methods: {
    parent: 'customers',
    path: (id) => `/v1/customers/${encodeURIComponent(id)}/payment_methods`,
  },
};

/** Families with their own list endpoint, read as `created` ranges. */
export function listedFamilies(only?: readonly Family[]): FamilySpec[] {
  return FAMILIES.filter((f) => f.listPath && (!only || only.includes(f.family)));
}

export function dependentFamilies(only?: readonly Family[]): Family[] {
  return (Object.keys(DEPENDENT_FAMILIES) as Family[]).filter(
    (f) => (!only || only.includes(f)) && (!only || only.includes(DEPENDENT_FAMILIES[f]!.parent)),
  );
}

export interface SplittableRange {
  gte: number;
  /** `created` of the last object committed; the objects still to read are at or below it. */
  cursorCreated: number | null;
}

/**
 * Where to cut a range whose remaining window is [gte, cursorCreated]: the range keeps
 * [mid, lt) with its cursor, a new range takes [gte, mid). `floorHint` is the oldest `created`
 * seen anywhere in the account; a range that starts at 0 (nothing known below) is cut at the
 * middle of [floorHint, cursorCreated] instead of the middle of fifty years. Null when the
 * window is a single second (ties cannot be cut by `created`).
 */
export function splitPoint(range: SplittableRange, floorHint?: number): number | null {
  if (range.cursorCreated === null) return null;
  const top = range.cursorCreated;
  const lo = floorHint !== undefined && floorHint > range.gte && floorHint < top ? floorHint : range.gte;
  const mid = Math.floor((lo + top) / 2);
  if (mid <= range.gte || mid > top) return null;
  return mid;
}
