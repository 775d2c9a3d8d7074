import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import knexFactory, { type Knex } from 'knex'
import ClientPgLite from 'knex-pglite'
import type { ResolvedConfig } from '../boot-config.js'
import { APP_ROLE, appLoginUrl, checkAppSession } from './app-login.js'
import { lockDataDir } from './data-dir-lock.js'
import { EnginePgClient } from './pg-client.js'
import { loadEngineKeys, tenantSettingsSql } from './tenant-key.js'

export { APP_ROLE } from './app-login.js'

/**
 * The engine's two database handles. `app` always runs as `oo_app`, so row-level security
 * applies to every query it makes: on PostgreSQL it logs in as `oo_app` (never as the owner with
 * `SET ROLE`, which `RESET ROLE` would undo). `owner` runs migrations and maintenance.
 * On PGlite there is one connection, a superuser session: both are the same knex, the session
 * runs as `oo_app` by `SET ROLE`, and `asOwner` resets the role (see core/README, Trust model).
 */
export class Database {
  readonly kind: 'pg' | 'pglite'
  readonly app: Knex
  readonly #owner: Knex | null
  readonly #release: () => Promise<void> | void
  /** Signs tenant bindings; loaded by `ready()`. */
  #tenantKey: Buffer | null = null
  /** PGlite's one backend (PostgreSQL connections carry their own `processID`). */
  #pglitePid = 0

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
        // Without a password (a trust or peer setup), the owner's address with the user oo_app.
        connection: config.appUrl ?? appLoginUrl(config.url, ''),
        pool: { min: 0, max: config.poolMax },
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

  /**
   * After migrations, before the engine serves: on PGlite the single session switches to oo_app;
   * on PostgreSQL the pool's login is checked (a superuser one is refused in production). Then
   * the tenant key is read as the owner and the secret key checked against the database.
   * Returns the app session's user and whether it could leave oo_app (for a warning).
   */
  async ready(opts: {
    mode: ResolvedConfig['mode']
    secretKey: () => Buffer
  }): Promise<{ user: string; privileged: boolean }> {
    let session = { user: APP_ROLE, privileged: false }
    if (this.kind === 'pglite') {
      await this.#dropToAppRole()
      const { rows } = await this.app.raw('select pg_backend_pid() as pid')
      this.#pglitePid = Number(rows[0].pid)
    } else {
      session = await checkAppSession(this.app, opts.mode)
    }
    this.#tenantKey = await this.asOwner((owner) => loadEngineKeys(owner, opts.secretKey()))
    return session
  }

  /**
   * The select list that binds a transaction on backend `pid` to a tenant (`app.tenant_id` and
   * its signature), transaction-local. PGlite's backend when `pid` is unknown.
   */
  tenantSettings(tenantId: string, pid?: number): string {
    if (!this.#tenantKey) throw new Error('Database.ready() has not loaded the tenant key')
    return tenantSettingsSql(this.#tenantKey, tenantId, pid ?? this.#pglitePid)
  }

  /**
   * A transaction with owner rights, for platform work across tenants (the outbox dispatcher):
   * the owner pool on PostgreSQL; on PGlite the one connection with `SET LOCAL ROLE NONE`, which
   * ends with the transaction (a plain `asOwner` there would let queries interleaving on the
   * shared session run as the owner).
   */
  ownerTx<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    if (this.#owner) return this.#owner.transaction(fn)
    return this.app.transaction(async (trx) => {
      await trx.raw('set local role none')
      return fn(trx)
    })
  }

  /** One statement with owner rights (see `ownerTx`): on PostgreSQL no transaction of its own. */
  ownerQuery<R = Record<string, unknown>>(
    sql: string,
    bindings: readonly Knex.RawBinding[] = [],
  ): Promise<{ rows: R[]; rowCount?: number | null; affectedRows?: number }> {
    const run = (k: Knex) => k.raw(sql, bindings as Knex.RawBinding[])
    return this.#owner ? run(this.#owner) : this.ownerTx(run)
  }

  async #dropToAppRole(): Promise<void> {
    const { rows } = await this.app.raw(`select 1 from pg_roles where rolname = ?`, [APP_ROLE])
    if (rows.length) await this.app.raw(`set role ${APP_ROLE}`)
  }

  /**
   * One simple-protocol query on a pooled `app` connection, one result per statement. Several
   * statements run as one implicit transaction: all or nothing, `set_config(…, true)` lasts to its
   * end, and an error leaves no transaction open. PostgreSQL only; values must be inlined.
   * `text` may be built for the connection's backend pid (a tenant binding's signature).
   */
  async simpleQuery(text: string | ((pid: number) => string)): Promise<{ rows: unknown[] }[]> {
    if (this.kind !== 'pg') throw new Error('simpleQuery is for PostgreSQL')
    const client = this.app.client as {
      acquireConnection(): Promise<{ processID: number; query(text: string): Promise<unknown> }>
      releaseConnection(connection: unknown): Promise<void>
    }
    const connection = await client.acquireConnection()
    try {
      const result = await connection.query(
        typeof text === 'string' ? text : text(connection.processID),
      )
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
