import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';

/** Prints a failure the way a person needs it (no stack for expected errors) and exits. */
export function exitWithError(error: unknown): never {
  if (error instanceof ConfigError || error instanceof InvalidArgumentError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.ATLAS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

/** Commander argument parsers that reject bad values as usage errors (exit 2). */
export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

export function nonNegativeInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}"`);
    return n;
  };
}

export function shareOfOne(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidArgumentError(`${name} must be between 0 and 1, got "${value}"`);
    return n;
  };
}
