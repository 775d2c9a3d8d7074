import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../boot-config.js'
import { appLoginUrl, derivedAppPassword, scramMatches, scramVerifier } from './app-login.js'

const OWNER = 'postgres://owner:secret@db.internal:5432/shop'
const KEY = 'a-secret-key-of-at-least-32-characters!'

describe('the engine pool login', () => {
  it('is oo_app at the owner’s address with a password derived from the secret key', () => {
    const config = resolveConfig({ plugins: [], database: { url: OWNER }, secretKey: KEY })
    const password = derivedAppPassword(Buffer.from(KEY))
    expect(config.database.appPassword).toBe(password)
    expect(new URL(config.database.appUrl!)).toMatchObject({
      username: 'oo_app',
      password,
      host: 'db.internal:5432',
      pathname: '/shop',
    })
    // Another key, another password: nothing about it is fixed in the code.
    const other = resolveConfig({ plugins: [], database: { url: OWNER }, secretKey: `${KEY}x` })
    expect(other.database.appPassword).not.toBe(password)
  })

  it('uses a given password, and provisions it for a given DATABASE_APP_URL too', () => {
    const given = resolveConfig({
      plugins: [],
      database: { url: OWNER, appPassword: "it's p@ss/word%" },
      secretKey: KEY,
    })
    expect(decodeURIComponent(new URL(given.database.appUrl!).password)).toBe("it's p@ss/word%")
    const managed = resolveConfig({
      plugins: [],
      database: { url: OWNER, appUrl: 'postgres://oo_app:x@db/shop', appPassword: 'x' },
    })
    expect(managed.database).toMatchObject({
      appUrl: 'postgres://oo_app:x@db/shop',
      appPassword: 'x',
    })
    const untouched = resolveConfig({
      plugins: [],
      database: { url: OWNER, appUrl: 'postgres://oo_app:x@db/shop' },
    })
    expect(untouched.database.appPassword).toBeUndefined()
  })

  it('sends the password as a SCRAM-SHA-256 verifier that only that password matches', () => {
    const verifier = scramVerifier('correct horse')
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/,
    )
    expect(verifier).not.toContain('correct horse')
    expect(scramMatches(verifier, 'correct horse')).toBe(true)
    expect(scramMatches(verifier, 'correct horse ')).toBe(false)
    expect(scramMatches('md5abcdef', 'correct horse')).toBe(false)
    expect(appLoginUrl(OWNER, '')).toBe('postgres://oo_app@db.internal:5432/shop')
  })
})
