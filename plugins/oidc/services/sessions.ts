import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Database, Principal } from '@oo/core'
import type { OidcOptions } from '../config.js'

export interface BrowserSession {
  principal: Principal
  csrf: string
  issuer: string
  idToken: string | null
  expiresAt: Date
}

export interface LoginState {
  issuer: string
  verifier: string
  nonce: string
  returnTo: string
  redirectUri: string
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
const LOGIN_STATE_SECONDS = 600

/** Server-side browser sessions: the cookie carries 32 random bytes, the table only their hash. */
export class SessionStore {
  readonly #database: Database
  readonly #ttl: number

  constructor({ database, oidcOptions }: { database: Database; oidcOptions: OidcOptions }) {
    this.#database = database
    this.#ttl = oidcOptions.session.ttlSeconds
  }

  get ttlMs(): number {
    return this.#ttl * 1000
  }

  async create(
    principal: Principal,
    issuer: string,
    idToken: string | null,
  ): Promise<{ cookie: string; session: BrowserSession }> {
    const cookie = randomBytes(32).toString('base64url')
    const session: BrowserSession = {
      principal,
      csrf: randomBytes(24).toString('base64url'),
      issuer,
      idToken,
      expiresAt: new Date(Date.now() + this.#ttl * 1000),
    }
    await this.#database.app('oidc_sessions').insert({
      id_hash: sha256(cookie),
      principal: JSON.stringify(principal),
      csrf: session.csrf,
      issuer,
      id_token: idToken,
      expires_at: session.expiresAt,
    })
    return { cookie, session }
  }

  async find(cookie: string | undefined): Promise<BrowserSession | null> {
    if (!cookie || cookie.length > 100) return null
    const row = await this.#database
      .app('oidc_sessions')
      .where({ id_hash: sha256(cookie) })
      .where('expires_at', '>', new Date())
      .first()
    if (!row) return null
    return {
      principal: row.principal as Principal,
      csrf: row.csrf,
      issuer: row.issuer,
      idToken: row.id_token,
      expiresAt: new Date(row.expires_at),
    }
  }

  async destroy(cookie: string | undefined): Promise<BrowserSession | null> {
    if (!cookie) return null
    const session = await this.find(cookie)
    await this.#database
      .app('oidc_sessions')
      .where({ id_hash: sha256(cookie) })
      .delete()
    return session
  }

  /** Ends every browser session of the identity (issuer, subject); returns how many there were. */
  async destroyAllOf(issuer: string, subject: string): Promise<number> {
    // `returning`: a bare delete's count comes back in a different shape on PGlite.
    const ended = await this.#database
      .app('oidc_sessions')
      .where({ issuer })
      .whereRaw(`principal->>'subject' = ?`, [subject])
      .delete()
      .returning('id_hash')
    return ended.length
  }

  /** PKCE verifier, nonce and return address of a sign-in in progress, keyed by its `state`. */
  async saveLoginState(state: string, login: LoginState): Promise<void> {
    await this.#database.app('oidc_provider_store').insert({
      model: 'BffLogin',
      id: sha256(state),
      payload: JSON.stringify(login),
      expires_at: new Date(Date.now() + LOGIN_STATE_SECONDS * 1000),
    })
  }

  /** One use only: the row is deleted as it is read. */
  async takeLoginState(state: string): Promise<LoginState | null> {
    const [row] = await this.#database
      .app('oidc_provider_store')
      .where({ model: 'BffLogin', id: sha256(state) })
      .where('expires_at', '>', new Date())
      .delete()
      .returning('payload')
    return (row as { payload: LoginState } | undefined)?.payload ?? null
  }

  /** Expired sessions, provider state and one-time tokens (hourly, and at start). */
  async purgeExpired(): Promise<void> {
    const now = new Date()
    await this.#database.app('oidc_sessions').where('expires_at', '<', now).delete()
    await this.#database.app('oidc_provider_store').where('expires_at', '<', now).delete()
  }
}

export function sameToken(a: string | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false
  return timingSafeEqual(Buffer.from(a), Buffer.from(b))
}
