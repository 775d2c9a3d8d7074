import { createRequire } from 'node:module'
import { runPrepared, type QueryObject } from './prepared-statements.js'
import { mergeCommit, mergeTenantBegin, type CommitStatement } from './tenant-begin.js'

interface KnexPgClient {
  _query(connection: object, obj: QueryObject): Promise<unknown>
}

// knex's own PostgreSQL client class (not part of its typed API). Transactions run on a copy of
// the client made from its class prototype, so only a subclass reaches their statements.
const require = createRequire(import.meta.url)
const ClientPg = require('knex/lib/dialects/postgres/index.js') as new (
  config: object,
) => KnexPgClient

/** knex's `pg` client with the engine's round-trip savings (see the modules it calls). */
export class EnginePgClient extends ClientPg {
  override _query(connection: object, obj: QueryObject): Promise<unknown> {
    mergeTenantBegin(obj, (connection as { processID?: number | null }).processID)
    const statement = mergeCommit(obj)
    const run = (o: QueryObject) => super._query(connection, o)
    if (statement) return commitWith(obj, statement, run)
    return runPrepared(connection, obj, run)
  }
}

/**
 * COMMIT with the statement queued before it (transactions run on a prototype copy of the
 * client, so this is a function, not a private method): two results come back, the statement's
 * and COMMIT's (knex's). If the statement fails, PostgreSQL skips the COMMIT and leaves the
 * transaction aborted, and knex does not roll back after a failed COMMIT: we do, so the
 * connection goes back to the pool clean and the error reaches the transaction's caller.
 */
async function commitWith(
  obj: QueryObject & { response?: unknown },
  statement: CommitStatement,
  run: (obj: QueryObject) => Promise<unknown>,
): Promise<unknown> {
  try {
    const done = await run(obj)
    const [result, committed] = obj.response as { rows: unknown[] }[]
    obj.response = committed
    statement.settle(result!)
    return done
  } catch (err) {
    await run({ sql: 'ROLLBACK;' }).catch(() => undefined)
    statement.settle(err as Error)
    throw err
  }
}
