import { hkdfSync, randomBytes } from 'node:crypto'
import { OoError, SecretSealer, type Database, type ResolvedConfig } from '@oo/core'

/**
 * Named secrets generated once and persisted, so every engine process shares them. Stored sealed
 * (AES-256-GCM, a key derived from OO_SECRET_KEY, the secret's name as associated data): SQL
 * running as `oo_app` reads only ciphertext, and a row copied under another name does not open.
 */
export class SecretStore {
  readonly #database: Database
  readonly #sealer: SecretSealer

  constructor({ database, config }: { database: Database; config: ResolvedConfig }) {
    this.#database = database
    this.#sealer = new SecretSealer(
      Buffer.from(hkdfSync('sha256', config.secretKey(), '', 'oo:oidc_secrets', 32)),
    )
  }

  /** The stored value, or `make()`'s result stored now. Two processes racing agree on the first insert. */
  async getOrCreate(
    name: string,
    make: () => string | Promise<string> = () => randomBytes(32).toString('base64url'),
  ): Promise<string> {
    const knex = this.#database.app
    const existing = await knex('oidc_secrets').where({ name }).first('value')
    if (existing) return this.#open(name, (existing as { value: string }).value)
    await knex('oidc_secrets')
      .insert({ name, value: this.#seal(name, await make()) })
      .onConflict('name')
      .ignore()
    const row = (await knex('oidc_secrets').where({ name }).first('value')) as { value: string }
    return this.#open(name, row.value)
  }

  #seal(name: string, value: string): string {
    return this.#sealer.seal(value, name)
  }

  async #open(name: string, stored: string): Promise<string> {
    if (!SecretSealer.isSealed(stored)) return this.#sealLegacy(name, stored)
    const value = this.#sealer.open(stored, name)
    if (value === null)
      throw new OoError(
        'OIDC_SECRET_UNREADABLE',
        500,
        `oidc: the stored secret "${name}" does not open with this OO_SECRET_KEY`,
      )
    return value
  }

  /**
   * A row stored in the clear before secrets were sealed: sealed now, in place, as the owner (the
   * engine role may only add secrets). Only if it is still that plaintext, so racing processes
   * seal it once; the value itself is unchanged.
   */
  async #sealLegacy(name: string, plaintext: string): Promise<string> {
    await this.#database.ownerQuery(
      `update oidc_secrets set value = ? where name = ? and value = ?`,
      [this.#seal(name, plaintext), name, plaintext],
    )
    return plaintext
  }
}
