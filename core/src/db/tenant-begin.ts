import { AsyncLocalStorage } from 'node:async_hooks'
import { isUuid } from '../ids.js'

/** A tenant transaction about to begin; `bound` once its BEGIN also set the tenant. */
export interface TenantBinding {
  readonly tenantId: string
  /** Commit without waiting for the WAL flush (see `TenantDb.tx`). */
  readonly asyncCommit: boolean
  bound: boolean
  /** Statements (values inlined) sent in the COMMIT's round trip, in order; see `mergeCommit`. */
  atCommit: CommitStatement[]
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
  asyncCommit: boolean,
  fn: (binding: TenantBinding) => Promise<T>,
): Promise<T> {
  const binding: TenantBinding = { tenantId, asyncCommit, bound: false, atCommit: [] }
  return beginning.run(binding, () => fn(binding))
}

/** The binding of the tenant transaction the caller runs in, if any. */
export function currentTenantBinding(): TenantBinding | undefined {
  return beginning.getStore()
}

/**
 * Sends the statements queued on a tenant transaction with its COMMIT, as one simple-protocol
 * query (`…; …; COMMIT;`): the last writes of a transaction (its outbox rows, a kitchen ticket)
 * cost no round trip of their own. Only for a transaction whose BEGIN was merged (so it runs on
 * the engine's pg client); returns the statements taken, for the caller to settle.
 */
export function mergeCommit(obj: { sql?: string }): CommitStatement[] {
  if (obj.sql !== 'COMMIT;') return []
  const binding = beginning.getStore()
  if (!binding?.bound || !binding.atCommit.length) return []
  const statements = binding.atCommit.splice(0)
  obj.sql = `${statements.map((s) => s.sql).join(';\n')};\nCOMMIT;`
  return statements
}

/**
 * Sends a tenant transaction's BEGIN and its `app.tenant_id` setting in one round trip (a
 * simple-protocol query with two statements) instead of two. Only the first BEGIN inside
 * `withTenantBegin` is rewritten, and only for a well-formed tenant id (it is inlined); any other
 * transaction is untouched, and the caller sets the tenant itself when `bound` stayed false.
 */
export function mergeTenantBegin(obj: { sql?: string }): void {
  if (obj.sql !== 'BEGIN;') return
  const binding = beginning.getStore()
  if (!binding || binding.bound || !isUuid(binding.tenantId)) return
  binding.bound = true
  const relaxed = binding.asyncCommit ? `, set_config('synchronous_commit', 'off', true)` : ''
  obj.sql = `BEGIN; SELECT set_config('app.tenant_id', '${binding.tenantId}', true)${relaxed}`
}
