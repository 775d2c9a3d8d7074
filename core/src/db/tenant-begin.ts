import { AsyncLocalStorage } from 'node:async_hooks'
import { isUuid } from '../ids.js'

/** A tenant transaction about to begin; `bound` once its BEGIN also set the tenant. */
export interface TenantBinding {
  readonly tenantId: string
  /** The signed binding's select list for the connection's backend (`Database.tenantSettings`). */
  readonly settings: (pid: number) => string
  /** Commit without waiting for the WAL flush (see `TenantDb.tx`). */
  readonly asyncCommit: boolean
  bound: boolean
  /** A statement (values inlined) sent in the COMMIT's round trip; see `mergeCommit`. */
  atCommit?: CommitStatement
}

/** A statement that travels with COMMIT; `settle` gets its rows, or the error that undid it all. */
export interface CommitStatement {
  sql: string
  settle(result: { rows: unknown[] } | Error): void
}

const beginning = new AsyncLocalStorage<TenantBinding>()

/** Runs `fn` (which opens one transaction) so that its BEGIN can carry the tenant binding. */
export function withTenantBegin<T>(
  tenantId: string,
  settings: (pid: number) => string,
  asyncCommit: boolean,
  fn: (binding: TenantBinding) => Promise<T>,
): Promise<T> {
  const binding: TenantBinding = { tenantId, settings, asyncCommit, bound: false }
  return beginning.run(binding, () => fn(binding))
}

/**
 * Sends the statement queued on a tenant transaction (its outbox rows) with its COMMIT, as one
 * simple-protocol query (`…; COMMIT;`): the transaction's last write costs no round trip of its
 * own. Only for a transaction whose BEGIN was merged (so it runs on the engine's pg client);
 * returns the statement taken, for the caller to settle.
 */
export function mergeCommit(obj: { sql?: string }): CommitStatement | undefined {
  if (obj.sql !== 'COMMIT;') return undefined
  const binding = beginning.getStore()
  const statement = binding?.bound ? binding.atCommit : undefined
  if (!statement) return undefined
  binding!.atCommit = undefined
  obj.sql = `${statement.sql};\nCOMMIT;`
  return statement
}

/**
 * Sends a tenant transaction's BEGIN and its signed tenant binding in one round trip (a
 * simple-protocol query with two statements) instead of two. Only the first BEGIN inside
 * `withTenantBegin` is rewritten, only for a well-formed tenant id (it is inlined) and a
 * connection whose backend pid is known (the signature covers it); any other transaction is
 * untouched, and the caller binds the tenant itself when `bound` stayed false.
 */
export function mergeTenantBegin(obj: { sql?: string }, pid: number | null | undefined): void {
  if (obj.sql !== 'BEGIN;' || !pid) return
  const binding = beginning.getStore()
  if (!binding || binding.bound || !isUuid(binding.tenantId)) return
  binding.bound = true
  const relaxed = binding.asyncCommit ? `, set_config('synchronous_commit', 'off', true)` : ''
  obj.sql = `BEGIN; SELECT ${binding.settings(pid)}${relaxed}`
}
