import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import knexFactory, { type Knex } from 'knex'
import ClientPgLite from 'knex-pglite'
import type { ResolvedConfig } from '../boot-config.js'
import { lockDataDir } from './data-dir-lock.js'
import { EnginePgClient } from './pg-client.js'

/** The restricted role the engine runs as: not a superuser, owns no table. */
export const APP_ROLE = 'oo_app'

/**
 * The engine's two database handles. `app` always runs as `oo_app`, so row-level security
 * applies to every query it makes. `owner` runs migrations and maintenance.
 * On PGlite there is one connection, so both are the same knex and `asOwner` resets the role.
 */
export class Database {
  readonly kind: 'pg' | 'pglite'
  readonly app: Knex
  readonly #owner: Knex | null
  readonly #release: () => Promise<void> | void

  private constructor(
    kind: 'pg' | 'pglite',
    app: Knex,
    owner: Knex | null,
    release: () => Promise<void> | void,
  ) {
    this.kind = kind
    this.app = app
    this.#owner = owner
    this.#release = release
  }

  static async connect(
    config: ResolvedConfig['database'],
    opts: { pglite?: PGlite } = {},
  ): Promise<Database> {
    if (config.url) {
      const owner = knexFactory({ client: 'pg', connection: config.url, pool: { min: 0, max: 2 } })
      const app = knexFactory({
        client: EnginePgClient as unknown as typeof Knex.Client,
        connection: config.appUrl ?? config.url,
        pool: {
          min: 0,
          max: config.poolMax,
          // Without a dedicated login for oo_app, the owner login drops to oo_app for the session.
          afterCreate: config.appUrl
            ? undefined
            : (
                conn: { query: (sql: string, cb: (err: Error | null) => void) => void },
                done: (err: Error | null, c: unknown) => void,
              ) => conn.query(`set role ${APP_ROLE}`, (err) => done(err, conn)),
        },
      })
      return new Database('pg', app, owner, () => undefined)
    }
    const unlock = opts.pglite ? () => undefined : lockDataDir(config.dataDir)
    const pglite =
      opts.pglite ??
      (await openPglite(config.dataDir).catch((err: unknown) => {
        unlock()
        throw err
      }))
    // One connection: a query outside an open transaction would wait for it forever, so fail fast.
    const app = knexFactory({
      client: ClientPgLite,
      dialect: 'postgres',
      connection: () => ({ pglite }) as object,
      acquireConnectionTimeout: 5000,
    })
    return new Database('pglite', app, null, async () => {
      if (!pglite.closed) await pglite.close()
      unlock()
    })
  }

  /** Runs `fn` with owner rights (migrations, role set-up). */
  async asOwner<T>(fn: (knex: Knex) => Promise<T>): Promise<T> {
    if (this.#owner) return fn(this.#owner)
    await this.app.raw('reset role')
    try {
      return await fn(this.app)
    } finally {
      await this.#dropToAppRole()
    }
  }

  /** On PGlite the single session is switched to oo_app once the role exists. */
  async dropPrivileges(): Promise<void> {
    if (this.kind === 'pglite') await this.#dropToAppRole()
  }

  async #dropToAppRole(): Promise<void> {
    const { rows } = await this.app.raw(`select 1 from pg_roles where rolname = ?`, [APP_ROLE])
    if (rows.length) await this.app.raw(`set role ${APP_ROLE}`)
  }

  /**
   * One simple-protocol query on a pooled `app` connection, one result per statement. Several
   * statements run as one implicit transaction: all or nothing, `set_config(…, true)` lasts to its
   * end, and an error leaves no transaction open. PostgreSQL only; values must be inlined.
   */
  async simpleQuery(text: string): Promise<{ rows: unknown[] }[]> {
    if (this.kind !== 'pg') throw new Error('simpleQuery is for PostgreSQL')
    const client = this.app.client as {
      acquireConnection(): Promise<{ query(text: string): Promise<unknown> }>
      releaseConnection(connection: unknown): Promise<void>
    }
    const connection = await client.acquireConnection()
    try {
      const result = await connection.query(text)
      return (Array.isArray(result) ? result : [result]) as { rows: unknown[] }[]
    } finally {
      await client.releaseConnection(connection)
    }
  }

  async ping(): Promise<void> {
    await this.app.raw('select 1')
  }

  async close(): Promise<void> {
    await this.app.destroy()
    await this.#owner?.destroy()
    await this.#release()
  }
}

async function openPglite(dataDir: string): Promise<PGlite> {
  mkdirSync(dataDir, { recursive: true })
  return PGlite.create(join(dataDir, 'pgdata'))
}
