import { createHmac, randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { OoError } from '../errors.js'

/** Where development engines keep a generated OO_SECRET_KEY (owner-only file in the data dir). */
export const SECRET_KEY_FILE = 'secret.key'
const MIN_LENGTH = 32

/**
 * The engine's secret key (`OO_SECRET_KEY`): it seals the secrets stored in the database and
 * derives the `oo_app` password. Production must be given one; elsewhere the first engine on a
 * data dir generates one into `<dataDir>/secret.key` (0600) and every later one reads it, so the
 * processes of one machine agree. Any string of at least 32 characters; it is never used
 * directly, only through `deriveKey`.
 */
export function loadSecretKey(opts: {
  given: string | undefined
  mode: 'development' | 'production' | 'test'
  dataDir: string
}): Buffer {
  if (opts.given !== undefined) {
    if (opts.given.length < MIN_LENGTH)
      throw new OoError(
        'OO_SECRET_KEY_INVALID',
        500,
        `OO_SECRET_KEY must be at least ${MIN_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`,
      )
    return Buffer.from(opts.given, 'utf8')
  }
  if (opts.mode === 'production')
    throw new OoError(
      'OO_SECRET_KEY_REQUIRED',
      500,
      'OO_SECRET_KEY is required in production: it seals the secrets stored in the database',
    )
  return Buffer.from(readOrCreateKeyFile(opts.dataDir), 'utf8')
}

/** A key for one purpose, so that no two uses of the secret key share bytes. */
export function deriveKey(secretKey: Buffer, purpose: string): Buffer {
  return createHmac('sha256', secretKey).update(`oo:${purpose}`).digest()
}

/**
 * Reads the key file, or creates it atomically: written under a temporary name, then linked to
 * its final name, which fails if another process got there first (then its key is read).
 */
function readOrCreateKeyFile(dataDir: string): string {
  const file = join(dataDir, SECRET_KEY_FILE)
  try {
    return readFileSync(file, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(dataDir, { recursive: true })
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 })
  try {
    linkSync(temporary, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    rmSync(temporary, { force: true })
  }
  return readFileSync(file, 'utf8').trim()
}
