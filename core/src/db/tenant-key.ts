import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Knex } from 'knex'
import { OoError } from '../errors.js'
import { isUuid } from '../ids.js'
import { deriveKey } from './secret-key.js'

/**
 * The tenant binding, signed. A transaction is bound to a tenant by two settings: `app.tenant_id`
 * and `app.tenant_sig` = HMAC-SHA256(tenant key, "<tenant id>:<backend pid>"). The policies read
 * the view `oo_bound_tenant`, owned by the migration owner, which checks the signature with the
 * key in `oo_engine_keys` (which `oo_app` cannot read; the view reads it with its owner's
 * rights) and yields the tenant, or NULL. So SQL running as `oo_app` cannot choose its tenant: it would need the key.
 * The backend pid in the signed text makes a signature seen elsewhere (another session's query
 * in `pg_stat_activity`) useless on any other connection.
 */
export function tenantSettingsSql(key: Buffer, tenantId: string, pid: number): string {
  // Both are inlined into SQL: only a canonical uuid and a number get this far.
  if (!isUuid(tenantId)) throw new Error(`Not a tenant id: ${JSON.stringify(tenantId)}`)
  if (!Number.isSafeInteger(pid)) throw new Error(`Not a backend pid: ${pid}`)
  const sig = createHmac('sha256', key).update(`${tenantId}:${pid}`).digest('hex')
  return `set_config('app.tenant_id', '${tenantId}', true), set_config('app.tenant_sig', '${sig}', true)`
}

/**
 * Read as the owner at boot: the tenant key, and the check that this engine's secret key is the
 * one the database's secrets were sealed with (recorded by the first engine to boot). A wrong
 * OO_SECRET_KEY stops boot here, with a clear error, not at the first token it cannot verify.
 */
export async function loadEngineKeys(owner: Knex, secretKey: Buffer): Promise<Buffer> {
  const check = deriveKey(secretKey, 'secret key check').toString('hex')
  await owner.raw(`update oo_engine_keys set secret_key_check = ? where secret_key_check is null`, [
    check,
  ])
  const { rows } = await owner.raw(`select tenant_key, secret_key_check from oo_engine_keys`)
  const row = rows[0] as { tenant_key: Buffer; secret_key_check: string } | undefined
  if (!row) throw new OoError('OO_DATABASE_KEYS_MISSING', 500, 'oo_engine_keys has no row')
  const stored = Buffer.from(row.secret_key_check, 'hex')
  const mine = Buffer.from(check, 'hex')
  if (stored.length !== mine.length || !timingSafeEqual(stored, mine))
    throw new OoError(
      'OO_SECRET_KEY_MISMATCH',
      500,
      'OO_SECRET_KEY is not the key this database was first started with: its stored secrets cannot be read. Start with the original key.',
    )
  return Buffer.from(row.tenant_key)
}
