import type { Database } from '@oo/core'
import type { Denylist } from './denylist.js'
import type { OpenSockets } from './open-sockets.js'
import type { SessionStore } from './sessions.js'

/** The identity whose sessions end: `(issuer, subject)` as in its tokens. */
export interface Identity {
  issuer: string
  subject: string
}

/**
 * "Sessions end when trust ends": a password reset or change, a newly verified address, or the
 * owner's "sign out everywhere" ends every browser session of the identity, refuses its tokens
 * issued until now, closes its open sockets and, for a local account, the built-in issuer's own
 * sessions and grants (so no silent sign-in follows).
 */
export class SignOut {
  readonly #database: Database
  readonly #sessions: SessionStore
  readonly #denylist: Denylist
  readonly #sockets: OpenSockets

  constructor({
    database,
    oidcSessions,
    oidcDenylist,
    oidcOpenSockets,
  }: {
    database: Database
    oidcSessions: SessionStore
    oidcDenylist: Denylist
    oidcOpenSockets: OpenSockets
  }) {
    this.#database = database
    this.#sessions = oidcSessions
    this.#denylist = oidcDenylist
    this.#sockets = oidcOpenSockets
  }

  /** Returns how many browser sessions ended. `localAccount`: the subject is a built-in issuer account. */
  async everywhere(identity: Identity, opts: { localAccount?: boolean } = {}): Promise<number> {
    const { issuer, subject } = identity
    await this.#denylist.endIdentity(issuer, subject)
    const ended = await this.#sessions.destroyAllOf(issuer, subject)
    if (opts.localAccount)
      // oidc-provider's sessions, grants and any stored tokens all name the account.
      await this.#database
        .app('oidc_provider_store')
        .whereRaw(`payload->>'accountId' = ?`, [subject])
        .delete()
    const user = (await this.#database.app('users').where({ issuer, subject }).first('id')) as
      { id: string } | undefined
    if (user) this.#sockets.ofPrincipal({ kind: 'user', id: user.id })
    return ended
  }
}
