import { AsyncLocalStorage } from 'node:async_hooks'
import { isUuid } from '../ids.js'

/** A tenant transaction about to begin; `bound` once its BEGIN also set the tenant. */
export interface TenantBinding {
  readonly tenantId: string
  /** Commit without waiting for the WAL flush (see `TenantDb.tx`). */
  readonly asyncCommit: boolean
  bound: boolean
}

const beginning = new AsyncLocalStorage<TenantBinding>()

/** Runs `fn` (which opens one transaction) so that its BEGIN can carry the tenant binding. */
export function withTenantBegin<T>(
  tenantId: string,
  asyncCommit: boolean,
  fn: (binding: TenantBinding) => Promise<T>,
): Promise<T> {
  const binding: TenantBinding = { tenantId, asyncCommit, bound: false }
  return beginning.run(binding, () => fn(binding))
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
