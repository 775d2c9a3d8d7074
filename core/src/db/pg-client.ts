import { createRequire } from 'node:module'
import { runPrepared, type QueryObject } from './prepared-statements.js'
import { mergeTenantBegin } from './tenant-begin.js'

interface KnexPgClient {
  _query(connection: object, obj: QueryObject): Promise<unknown>
}

// knex's own PostgreSQL client class (not part of its typed API). Transactions run on a copy of
// the client made from its class prototype, so only a subclass reaches their statements.
const require = createRequire(import.meta.url)
const ClientPg = require('knex/lib/dialects/postgres/index.js') as new (
  config: object,
) => KnexPgClient

/** knex's `pg` client with the engine's two round-trip savings (see the modules it calls). */
export class EnginePgClient extends ClientPg {
  override _query(connection: object, obj: QueryObject): Promise<unknown> {
    mergeTenantBegin(obj)
    return runPrepared(connection, obj, (o) => super._query(connection, o))
  }
}
