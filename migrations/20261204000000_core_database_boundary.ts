import { randomBytes } from 'node:crypto'
import type { Knex } from 'knex'

// The tenant binding becomes unforgeable from SQL (see core/src/db/tenant-key.ts): a key only the
// owner can read, a SECURITY DEFINER function that checks the engine's signature with it, and
// every tenant policy re-created on that function. The outbox becomes a tenant table too.

// The tenant expression of the policies as PostgreSQL prints it (pg_policies), before and after.
export const UNSIGNED_TENANT = `(NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid`
export const SIGNED_TENANT = `( SELECT oo_current_tenant() AS oo_current_tenant)`

// HMAC-SHA256 with a 64-byte key (SHA-256's block size), written with the built-in sha256()
// (pgcrypto is not everywhere): H((K ^ opad) || H((K ^ ipad) || m)); the pads are stored
// precomputed. plpgsql, so its statements are planned once per session (a SQL function's body
// was planned on every call, ~1.3x the cost here). A SECURITY DEFINER function must not resolve a
// name through a search_path its caller controls: every function, operator and type here is
// schema-qualified (cheaper than a `SET search_path` clause, which costs a GUC change per call).
const CURRENT_TENANT_FUNCTION = `
create function public.oo_current_tenant() returns pg_catalog.uuid
  language plpgsql stable security definer
as $$
declare
  id pg_catalog.text := pg_catalog.current_setting('app.tenant_id', true);
  k record;
begin
  if id is null or id operator(pg_catalog.=) '' then
    return null;
  end if;
  select tenant_ipad, tenant_opad into k from public.oo_engine_keys;
  if pg_catalog.current_setting('app.tenant_sig', true) operator(pg_catalog.=) pg_catalog.encode(
       pg_catalog.sha256(k.tenant_opad operator(pg_catalog.||) pg_catalog.sha256(
         k.tenant_ipad operator(pg_catalog.||) pg_catalog.convert_to(
           id operator(pg_catalog.||) ':' operator(pg_catalog.||)
             pg_catalog.pg_backend_pid()::pg_catalog.text, 'UTF8'))),
       'hex') then
    return id::pg_catalog.uuid; -- only a signed value is cast
  end if;
  return null;
end $$`

function pad(key: Buffer, byte: number): Buffer {
  return Buffer.from(key.map((b) => b ^ byte))
}

/**
 * Every policy whose expressions contain `from`, with `to` in its place (bench/catalog.ts uses it
 * too, to measure the signed binding against the unsigned one on the same data).
 */
export async function rewritePolicies(
  knex: Knex,
  from: string | RegExp,
  to: string,
): Promise<void> {
  const { rows } = await knex.raw(
    `select schemaname, tablename, policyname, qual, with_check from pg_policies`,
  )
  const has = (text: string | null | undefined) =>
    !!text && (typeof from === 'string' ? text.includes(from) : new RegExp(from.source).test(text))
  for (const p of rows as Record<string, string | null>[]) {
    if (!has(p.qual) && !has(p.with_check)) continue
    const using = p.qual ? ` using (${p.qual.replaceAll(from, to)})` : ''
    const check = p.with_check ? ` with check (${p.with_check.replaceAll(from, to)})` : ''
    await knex.raw(`alter policy ?? on ??.??${using}${check}`, [
      p.policyname!,
      p.schemaname!,
      p.tablename!,
    ])
  }
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table oo_engine_keys (
      one boolean primary key default true check (one),
      tenant_key bytea not null,
      tenant_ipad bytea not null,
      tenant_opad bytea not null,
      secret_key_check text
    )`)
  // No grant to oo_app: only the owner (and its SECURITY DEFINER function) reads the keys.
  await knex.raw('revoke all on oo_engine_keys from public')
  const key = randomBytes(64)
  await knex('oo_engine_keys').insert({
    tenant_key: key,
    tenant_ipad: pad(key, 0x36),
    tenant_opad: pad(key, 0x5c),
  })
  await knex.raw(CURRENT_TENANT_FUNCTION)
  await knex.raw('revoke all on function public.oo_current_tenant() from public')
  await knex.raw('grant execute on function public.oo_current_tenant() to oo_app')
  await rewritePolicies(knex, UNSIGNED_TENANT, SIGNED_TENANT)

  // The outbox: a tenant's events are its own. Platform events (no tenant) are platform data,
  // like the tenants table: the engine role sees them in any transaction. The dispatcher works
  // across tenants as the owner (core/src/events/outbox-dispatcher.ts), not as oo_app.
  await knex.raw('alter table oo_outbox enable row level security')
  await knex.raw('alter table oo_outbox force row level security')
  await knex.raw(
    `create policy oo_outbox_tenant_isolation on oo_outbox to oo_app
       using (tenant_id = ${SIGNED_TENANT}) with check (tenant_id = ${SIGNED_TENANT})`,
  )
  await knex.raw(
    `create policy oo_outbox_platform_events on oo_outbox to oo_app
       using (tenant_id is null) with check (tenant_id is null)`,
  )
  await knex.raw(
    'create policy oo_outbox_owner_maintenance on oo_outbox to current_user using (true) with check (true)',
  )
}

export async function down(knex: Knex): Promise<void> {
  for (const name of ['tenant_isolation', 'platform_events', 'owner_maintenance'])
    await knex.raw(`drop policy oo_outbox_${name} on oo_outbox`)
  await knex.raw('alter table oo_outbox no force row level security')
  await knex.raw('alter table oo_outbox disable row level security')
  await rewritePolicies(knex, SIGNED_TENANT, UNSIGNED_TENANT)
  await knex.raw('drop function public.oo_current_tenant()')
  await knex.raw('drop table oo_engine_keys')
}
