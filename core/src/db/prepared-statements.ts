import { createHash } from 'node:crypto'

/** Distinct statements kept prepared per connection; the rest run unnamed. */
const PER_CONNECTION = 256
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i
// "cached plan must not change result type": a migration changed a table under a `select *`.
const STALE_PLAN = '0A000'

export interface QueryObject {
  sql?: string
  options?: { name?: string } & Record<string, unknown>
}

interface ConnectionStatements {
  names: Map<string, string>
  generation: number
}

const byConnection = new WeakMap<object, ConnectionStatements>()

/**
 * Runs a statement of the `pg` client as a named prepared statement, one per distinct SQL text
 * and connection. PostgreSQL then parses each statement once per connection and, after a few
 * runs, reuses a generic plan: with row-level security on every table, parse and plan were
 * most of the server's time per statement (a checkout runs about ten). The policies read
 * `app.tenant_id` at execution, so a cached plan is as tenant-safe as a fresh one.
 * Only plain DML is named (never BEGIN/SET), at most PER_CONNECTION texts per connection, so
 * dynamic SQL cannot grow the cache without bound. A plan invalidated by a schema change fails
 * its statement once; the text is then prepared again under a new name.
 */
export async function runPrepared<T>(
  connection: object,
  obj: QueryObject,
  run: (obj: QueryObject) => Promise<T>,
): Promise<T> {
  const sql = obj.sql
  if (!sql || obj.options?.name || !PREPARABLE.test(sql)) return run(obj)
  let statements = byConnection.get(connection)
  if (!statements) {
    statements = { names: new Map(), generation: 0 }
    byConnection.set(connection, statements)
  }
  let name = statements.names.get(sql)
  if (!name && statements.names.size < PER_CONNECTION) {
    name = `oo_${statements.generation}_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
    statements.names.set(sql, name)
  }
  if (!name) return run(obj)
  try {
    obj.options = { ...obj.options, name }
    return await run(obj)
  } catch (err) {
    if ((err as { code?: string }).code === STALE_PLAN) {
      statements.names.clear()
      statements.generation++
    }
    throw err
  }
}
