import type { Database } from '@oo/core'

export interface User {
  id: string
  issuer: string
  subject: string
  email: string | null
  name: string | null
}

/** Platform identities: an (issuer, subject) becomes a user on first sign-in (just in time). */
export class UserDirectory {
  readonly #database: Database

  constructor({ database }: { database: Database }) {
    this.#database = database
  }

  async upsertIdentity(identity: { issuer: string; subject: string; email?: string; name?: string }): Promise<User> {
    const [user] = await this.#database
      .app('users')
      .insert({ issuer: identity.issuer, subject: identity.subject, email: identity.email?.toLowerCase() ?? null, name: identity.name ?? null })
      .onConflict(['issuer', 'subject'])
      .merge({ email: identity.email?.toLowerCase() ?? null, name: identity.name ?? null, updated_at: this.#database.app.fn.now() })
      .returning(['id', 'issuer', 'subject', 'email', 'name'])
    return user as User
  }

  async byId(id: string): Promise<User | null> {
    return ((await this.#database.app('users').where({ id }).first(['id', 'issuer', 'subject', 'email', 'name'])) as User) ?? null
  }

  async byEmail(email: string): Promise<User | null> {
    return ((await this.#database.app('users').where({ email: email.toLowerCase() }).orderBy('created_at').first(['id', 'issuer', 'subject', 'email', 'name'])) as User) ?? null
  }

  /** Every tenant the user belongs to, oldest membership first (the default tenant). */
  async memberships(userId: string): Promise<{ tenantId: string; role: string }[]> {
    const { rows } = await this.#database.app.raw('select tenant_id, role from oo_memberships_of(?)', [userId])
    return (rows as { tenant_id: string; role: string }[]).map((r) => ({ tenantId: r.tenant_id, role: r.role }))
  }
}
