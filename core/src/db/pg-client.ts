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
    mergeTenantBegin(obj)
    const statements = mergeCommit(obj)
    const run = (o: QueryObject) => super._query(connection, o)
    if (statements.length) return commitWith(obj, statements, run)
    return runPrepared(connection, obj, run)
  }
}

/**
 * COMMIT with the statements queued before it (transactions run on a prototype copy of the
 * client, so this is a function, not a private method): one result per statement comes back, the
 * last one (COMMIT's) is knex's. If any of them fails, PostgreSQL skips the rest and leaves the
 * transaction aborted, and knex does not roll back after a failed COMMIT: we do, so the
 * connection goes back to the pool clean and the error reaches the transaction's caller.
 */
async function commitWith(
  obj: QueryObject & { response?: unknown },
  statements: CommitStatement[],
  run: (obj: QueryObject) => Promise<unknown>,
): Promise<unknown> {
  try {
    const done = await run(obj)
    const results = obj.response as { rows: unknown[] }[]
    obj.response = results.at(-1)
    statements.forEach((s, i) => s.settle(results[i]!))
    return done
  } catch (err) {
    await run({ sql: 'ROLLBACK;' }).catch(() => undefined)
    for (const s of statements) s.settle(err as Error)
    throw err
  }
}
