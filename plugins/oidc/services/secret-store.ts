import { randomBytes } from 'node:crypto'
import type { Database } from '@oo/core'

/** Named secrets generated once and persisted, so every engine process shares them. */
export class SecretStore {
  readonly #database: Database

  constructor({ database }: { database: Database }) {
    this.#database = database
  }

  /** The stored value, or `make()`'s result stored now. Two processes racing agree on the first insert. */
  async getOrCreate(
    name: string,
    make: () => string | Promise<string> = () => randomBytes(32).toString('base64url'),
  ): Promise<string> {
    const knex = this.#database.app
    const existing = await knex('oidc_secrets').where({ name }).first('value')
    if (existing) return (existing as { value: string }).value
    await knex('oidc_secrets')
      .insert({ name, value: await make() })
      .onConflict('name')
      .ignore()
    const row = (await knex('oidc_secrets').where({ name }).first('value')) as { value: string }
    return row.value
  }
}
