import type { Knex } from 'knex'

const FUNCTIONS = [
  'oo_tenant_by_host(text)',
  'oo_is_tenant_host(text)',
  'oo_domain_challenge_answers(text, text)',
]

/**
 * Domains are proven, not declared: a claimed host is `pending` (verified_at null) and serves
 * nothing until an HTTP challenge or a platform super-admin proves it. Rows that exist already
 * were attached by the operator (CLI, seed, super-admin provisioning): they count as verified.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tenant_domains
      add column verified_at timestamptz,
      add column verification_method text,
      add column verification_token text`)
  // Except what no tenant may hold (finding 4: a claimed 127.0.0.1 broke the platform's own
  // address): IP literals and localhost go back to pending, where they serve nothing and can
  // never be verified (the reservation applies to verification too). The rest of what tenants
  // claimed before this migration cannot be told apart from the operator's, and stays verified.
  await knex.raw(`
    update tenant_domains set verified_at = created_at, verification_method = 'operator'
     where not (host = 'localhost' or host ~ '^[0-9.]+$' or host ~ ':' or host ~ '^\\[')`)
  await knex.raw(`
    alter table tenant_domains
      add constraint tenant_domains_verification_method_check
        check (verification_method in ('operator', 'http', 'dns', 'approval')),
      add constraint tenant_domains_verified_has_method
        check ((verified_at is null) = (verification_method is null))`)
  // One tenant per verified host, platform-wide; pending claims may compete until one is proven
  // (a squatter's pending claim must not lock the real owner out of adding its own domain).
  await knex.raw('alter table tenant_domains drop constraint tenant_domains_host_unique')
  await knex.raw(
    'create unique index tenant_domains_verified_host on tenant_domains (host) where verified_at is not null',
  )
  await knex.raw(
    'create unique index tenant_domains_tenant_host on tenant_domains (tenant_id, host)',
  )

  for (const fn of FUNCTIONS.slice(0, 2)) await knex.raw(`drop function ${fn}`)
  await knex.raw(`
    create function oo_tenant_by_host(p_host text) returns table (id uuid, slug text, name text)
    language sql stable security definer set search_path = public as $$
      select t.id, t.slug::text, t.name::text from tenant_domains d join tenants t on t.id = d.tenant_id
       where d.host = lower(p_host) and d.verified_at is not null and t.status = 'COMMITTED'
    $$`)
  await knex.raw(`
    create function oo_is_tenant_host(p_host text) returns boolean
    language sql stable security definer set search_path = public as $$
      select exists (select 1 from tenant_domains where host = lower(p_host) and verified_at is not null)
    $$`)
  // The engine answers a challenge for a pending host only when exactly one tenant claims it:
  // with two claimants, whoever asked first would win a host whose DNS already points here.
  await knex.raw(`
    create function oo_domain_challenge_answers(p_host text, p_token text) returns boolean
    language sql stable security definer set search_path = public as $$
      select coalesce(count(*) = 1 and bool_and(d.verification_token = p_token), false)
        from tenant_domains d join tenants t on t.id = d.tenant_id
       where d.host = lower(p_host) and d.verified_at is null and t.status = 'COMMITTED'
         and not exists (select 1 from tenant_domains v where v.host = lower(p_host) and v.verified_at is not null)
    $$`)
  for (const fn of FUNCTIONS) {
    await knex.raw(`revoke all on function ${fn} from public`)
    await knex.raw(`grant execute on function ${fn} to oo_app`)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const fn of FUNCTIONS) await knex.raw(`drop function ${fn}`)
  await knex.raw('delete from tenant_domains where verified_at is null')
  await knex.raw('drop index tenant_domains_tenant_host')
  await knex.raw('drop index tenant_domains_verified_host')
  await knex.raw(
    'alter table tenant_domains add constraint tenant_domains_host_unique unique (host)',
  )
  await knex.raw(`
    alter table tenant_domains
      drop constraint tenant_domains_verified_has_method,
      drop constraint tenant_domains_verification_method_check,
      drop column verification_token,
      drop column verification_method,
      drop column verified_at`)
  await knex.raw(`
    create function oo_tenant_by_host(p_host text) returns table (id uuid, slug text, name text)
    language sql stable security definer set search_path = public as $$
      select t.id, t.slug::text, t.name::text from tenant_domains d join tenants t on t.id = d.tenant_id
       where d.host = lower(p_host) and t.status = 'COMMITTED'
    $$`)
  await knex.raw(`
    create function oo_is_tenant_host(p_host text) returns boolean
    language sql stable security definer set search_path = public as $$
      select exists (select 1 from tenant_domains where host = lower(p_host))
    $$`)
  for (const fn of FUNCTIONS.slice(0, 2)) {
    await knex.raw(`revoke all on function ${fn} from public`)
    await knex.raw(`grant execute on function ${fn} to oo_app`)
  }
}
