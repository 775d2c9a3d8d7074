import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { OoError, type Database, type ResolvedConfig } from '@oo/core'

const SEALED = 'oo1'

/**
 * Named secrets generated once and persisted, so every engine process shares them. Stored sealed
 * (AES-256-GCM, a key derived from OO_SECRET_KEY, the secret's name as associated data): SQL
 * running as `oo_app` reads only ciphertext, and a row copied under another name does not open.
 */
export class SecretStore {
  readonly #database: Database
  readonly #key: Buffer

  constructor({ database, config }: { database: Database; config: ResolvedConfig }) {
    this.#database = database
    this.#key = Buffer.from(hkdfSync('sha256', config.secretKey(), '', 'oo:oidc_secrets', 32))
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
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv).setAAD(Buffer.from(name))
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
    return [SEALED, iv, cipher.getAuthTag(), sealed].map(encode).join('.')
  }

  async #open(name: string, stored: string): Promise<string> {
    const [format, iv, tag, sealed] = stored.split('.')
    if (format !== SEALED) return this.#sealLegacy(name, stored)
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv!, 'base64url'))
      decipher.setAAD(Buffer.from(name)).setAuthTag(Buffer.from(tag!, 'base64url'))
      const value = Buffer.concat([
        decipher.update(Buffer.from(sealed!, 'base64url')),
        decipher.final(),
      ])
      return value.toString('utf8')
    } catch {
      throw new OoError(
        'OIDC_SECRET_UNREADABLE',
        500,
        `oidc: the stored secret "${name}" does not open with this OO_SECRET_KEY`,
      )
    }
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

function encode(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url')
}
