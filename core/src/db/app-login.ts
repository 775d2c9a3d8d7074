import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Knex } from 'knex'
import { OoError } from '../errors.js'
import { deriveKey } from './secret-key.js'

/** The restricted role the engine runs as: not a superuser, owns no table. */
export const APP_ROLE = 'oo_app'
const SCRAM_ITERATIONS = 4096

/** DATABASE_URL with the engine role's login instead of the owner's. */
export function appLoginUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl)
  url.username = APP_ROLE
  url.password = encodeURIComponent(password)
  return url.toString()
}

/** The `oo_app` password when none is given: the secret key's, so every process derives it alike. */
export function derivedAppPassword(secretKey: Buffer): string {
  return deriveKey(secretKey, 'database password for oo_app').toString('base64url')
}

/**
 * Gives `oo_app` its login password (run as the owner, by `oo migrate` and auto-migrate). The
 * password is sent as a SCRAM-SHA-256 verifier, never in the clear (a statement log shows only
 * the verifier). Skipped when the stored verifier already matches (readable by a superuser
 * owner), so that engines booting together do not rewrite the cluster's role catalog at once.
 */
export async function provisionAppLogin(owner: Knex, password: string): Promise<boolean> {
  const stored = await owner
    .raw(`select rolpassword from pg_authid where rolname = ?`, [APP_ROLE])
    .then((r) => (r.rows[0]?.rolpassword as string | null) ?? null)
    .catch(() => null) // not a superuser: pg_authid is unreadable, so set it
  if (stored && scramMatches(stored, password)) return false
  try {
    await owner.raw(`alter role ${APP_ROLE} with login password '${scramVerifier(password)}'`)
  } catch (err) {
    if ((err as { code?: string }).code === 'XX000') return false // another engine just set it
    throw new OoError(
      'OO_DATABASE_APP_LOGIN',
      500,
      `Could not give ${APP_ROLE} its password (${(err as Error).message}). Give the DATABASE_URL role CREATEROLE, or set DATABASE_APP_URL to a login you manage.`,
    )
  }
  return true
}

/**
 * Refuses an engine pool whose session user could leave `oo_app` (`RESET ROLE` from a superuser
 * or a role that bypasses row-level security). In production that stops boot; elsewhere it is
 * allowed (a development DATABASE_APP_URL may point at anything) and the caller warns.
 */
export async function checkAppSession(
  app: Knex,
  mode: string,
): Promise<{ user: string; privileged: boolean }> {
  const { rows } = await app.raw(
    `select session_user as "user", rolsuper or rolbypassrls as privileged from pg_roles where rolname = session_user`,
  )
  const session = rows[0] as { user: string; privileged: boolean }
  if (session.privileged && mode === 'production')
    throw new OoError(
      'OO_DATABASE_APP_PRIVILEGED',
      500,
      `The engine pool logs in as ${session.user}, a superuser or a role that bypasses row-level security: RESET ROLE would leave ${APP_ROLE}. Let DATABASE_APP_URL log in as ${APP_ROLE} (or leave it unset and run \`oo migrate\`).`,
    )
  return session
}

/** PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677, as libpq makes it). */
export function scramVerifier(password: string, salt = randomBytes(16)): string {
  const { storedKey, serverKey } = scramKeys(password, salt, SCRAM_ITERATIONS)
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`
}

/** Whether a stored `SCRAM-SHA-256$…` verifier is the one of this password. */
export function scramMatches(stored: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored)
  if (!match) return false
  const { storedKey } = scramKeys(password, Buffer.from(match[2]!, 'base64'), Number(match[1]))
  const expected = Buffer.from(match[3]!, 'base64')
  return expected.length === storedKey.length && timingSafeEqual(expected, storedKey)
}

function scramKeys(password: string, salt: Buffer, iterations: number) {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  return {
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: createHmac('sha256', salted).update('Server Key').digest(),
  }
}
