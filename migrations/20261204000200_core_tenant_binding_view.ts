import type { Knex } from 'knex'
import {
  rewritePolicies,
  SIGNED_TENANT as FUNCTION_TENANT,
} from './20261204000000_core_database_boundary.js'

// The signed binding checked by a view instead of a function. Each policy of a statement is its
// own InitPlan, and a store list names eight policed tables: the SECURITY DEFINER plpgsql
// function cost its set-up on every one of them (a fresh executor state each time), about
// 1.7 ms per statement on the loaded test machine against 0.07 ms for this view, whose body the
// planner inlines. A view reads its tables with its owner's rights, as the function did: oo_app
// may select the view (one column, the tenant or NULL) but not oo_engine_keys. security_barrier
// keeps a caller's functions from being pushed down next to the key columns. A view's query is
// stored resolved, so no search_path of the caller reaches it.

/** The policies' tenant expression, as SQL to write and as PostgreSQL prints it back. */
export const VIEW_TENANT_SQL = '(select tenant from public.oo_bound_tenant)'
export const VIEW_TENANT = /\( SELECT oo_bound_tenant\.tenant\s+FROM oo_bound_tenant\)/g

const BOUND_TENANT_VIEW = `
create view public.oo_bound_tenant with (security_barrier) as
  select case
    when pg_catalog.current_setting('app.tenant_sig', true) = pg_catalog.encode(
      pg_catalog.sha256(k.tenant_opad || pg_catalog.sha256(k.tenant_ipad || pg_catalog.convert_to(
        pg_catalog.current_setting('app.tenant_id', true) || ':' || pg_catalog.pg_backend_pid()::text,
        'UTF8'))),
      'hex')
    then nullif(pg_catalog.current_setting('app.tenant_id', true), '')::uuid -- only a signed value is cast
  end as tenant
  from public.oo_engine_keys k`

export async function up(knex: Knex): Promise<void> {
  await knex.raw(BOUND_TENANT_VIEW)
  await knex.raw('revoke all on public.oo_bound_tenant from public')
  await knex.raw('grant select on public.oo_bound_tenant to oo_app')
  await rewritePolicies(knex, FUNCTION_TENANT, VIEW_TENANT_SQL)
  await knex.raw('drop function public.oo_current_tenant()')
}

export async function down(): Promise<void> {
  throw new Error('Not reversible: the function version was slower; restore from a backup')
}
