import { DougongError } from '@dougong/schema';
import { hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane (≈10–20 ms here).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with Argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Checks a password against an Argon2id hash; false for malformed hashes. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this keeps the time of "no such user" equal to that of "wrong password".
let dummyHash: Promise<string> | undefined;
/** A hash to verify against when the user does not exist. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('dougong-timing-equaliser');
  return dummyHash;
}

/** Password policy: 8–256 characters, not only letters or only digits. Throws a 400 naming `path`. */
export function checkPasswordPolicy(password: unknown, path: string): string {
  if (typeof password !== 'string' || password.length < 8 || password.length > 256) {
    throw new DougongError('VALIDATION_FAILED', undefined, [
      { path, message: 'must be 8 to 256 characters' },
    ]);
  }
  if (/^[0-9]+$/.test(password) || /^[A-Za-z]+$/.test(password)) {
    throw new DougongError('VALIDATION_FAILED', undefined, [
      { path, message: 'must mix letters with digits or symbols' },
    ]);
  }
  return password;
}
