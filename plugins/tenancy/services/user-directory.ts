import type { Database } from '@oo/core'

export interface User {
  id: string
  issuer: string
  subject: string
  email: string | null
  name: string | null
}

export const INVITED_ISSUER = 'urn:oo:invited'

/** Platform identities: an (issuer, subject) becomes a user on first sign-in (just in time). */
export class UserDirectory {
  readonly #database: Database

  constructor({ database }: { database: Database }) {
    this.#database = database
  }

  async upsertIdentity(identity: {
    issuer: string
    subject: string
    email?: string
    name?: string
  }): Promise<User> {
    const [user] = await this.#database
      .app('users')
      .insert({
        issuer: identity.issuer,
        subject: identity.subject,
        email: identity.email?.toLowerCase() ?? null,
        name: identity.name ?? null,
      })
      .onConflict(['issuer', 'subject'])
      .merge({
        email: identity.email?.toLowerCase() ?? null,
        name: identity.name ?? null,
        updated_at: this.#database.app.fn.now(),
      })
      .returning(['id', 'issuer', 'subject', 'email', 'name'])
    return user as User
  }

  /**
   * Sign-in: the known identity, else an invitation for the same (verified) email is claimed by
   * this identity, else a new user. Callers pass `emailVerified` only when the issuer asserts it.
   */
  async signIn(identity: {
    issuer: string
    subject: string
    email?: string
    name?: string
    emailVerified?: boolean
  }): Promise<User> {
    const known = await this.#database
      .app('users')
      .where({ issuer: identity.issuer, subject: identity.subject })
      .first('id')
    if (!known && identity.email && identity.emailVerified) {
      const [claimed] = await this.#database
        .app('users')
        .where({ issuer: INVITED_ISSUER, email: identity.email.toLowerCase() })
        .update({
          issuer: identity.issuer,
          subject: identity.subject,
          name: identity.name ?? null,
          updated_at: this.#database.app.fn.now(),
        })
        .returning(['id', 'issuer', 'subject', 'email', 'name'])
      if (claimed) return claimed as User
    }
    return this.upsertIdentity(identity)
  }

  /** A user invited by email (member added, tenant owner) before they ever signed in. */
  async invite(email: string, name?: string): Promise<User> {
    return (
      (await this.byEmail(email)) ??
      this.upsertIdentity({ issuer: INVITED_ISSUER, subject: email.toLowerCase(), email, name })
    )
  }

  async byId(id: string): Promise<User | null> {
    return (
      ((await this.#database
        .app('users')
        .where({ id })
        .first(['id', 'issuer', 'subject', 'email', 'name'])) as User) ?? null
    )
  }

  async byEmail(email: string): Promise<User | null> {
    return (
      ((await this.#database
        .app('users')
        .where({ email: email.toLowerCase() })
        .orderBy('created_at')
        .first(['id', 'issuer', 'subject', 'email', 'name'])) as User) ?? null
    )
  }

  /** Every tenant the user belongs to, oldest membership first (the default tenant). */
  async memberships(userId: string): Promise<{ tenantId: string; role: string }[]> {
    const { rows } = await this.#database.app.raw(
      'select tenant_id, role from oo_memberships_of(?)',
      [userId],
    )
    return (rows as { tenant_id: string; role: string }[]).map((r) => ({
      tenantId: r.tenant_id,
      role: r.role,
    }))
  }
}
