import type { Knex } from 'knex'
import { createTenantTable, grantPlatformTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // Platform identities: one row per person, whatever issuer they sign in with.
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.string('issuer', 500).notNullable()
    t.string('subject', 255).notNullable()
    t.string('email', 320).nullable()
    t.string('name', 200).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['issuer', 'subject'])
    t.index(['email'])
  })
  await grantPlatformTable(knex, 'users', 'select, insert, update')

  await knex.raw(`alter table tenants add column theme text not null default 'mono-luxe'`)

  await createTenantTable(knex, 'tenant_domains', (t) => {
    t.string('host', 253).notNullable().unique()
    t.boolean('is_primary').notNullable().defaultTo(false)
  })
  await knex.raw(
    `alter table tenant_domains add constraint tenant_domains_host_lower check (host = lower(host))`,
  )

  await createTenantTable(knex, 'projects', (t) => {
    t.string('slug', 63).notNullable()
    t.string('name', 200).notNullable()
    t.unique(['tenant_id', 'slug'])
  })

  await createTenantTable(knex, 'members', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
    t.string('role', 16).notNullable()
    t.unique(['tenant_id', 'user_id'])
  })
  await knex.raw(
    `alter table members add constraint members_role_check check (role in ('owner','admin','manager','staff','kitchen','readonly'))`,
  )

  await createTenantTable(knex, 'project_members', (t) => {
    t.uuid('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE')
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
    t.unique(['project_id', 'user_id'])
  })

  // Provisioning operations: the idempotency record of each tenant creation.
  await knex.schema.createTable('tenant_provisioning', (t) => {
    t.string('operation_id', 100).primary()
    t.uuid('tenant_id').nullable()
    t.string('status', 16).notNullable()
    t.jsonb('request').notNullable()
    t.text('error').nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await grantPlatformTable(knex, 'tenant_provisioning', 'select, insert, update')

  // Two look-ups must cross tenants before a tenant is known: host → tenant, and a user's
  // memberships. They run as the owner (SECURITY DEFINER) and return only what resolution needs.
  await knex.raw(`
    create function oo_tenant_by_host(p_host text) returns table (id uuid, slug text, name text)
    language sql stable security definer set search_path = public as $$
      select t.id, t.slug::text, t.name::text from tenant_domains d join tenants t on t.id = d.tenant_id
       where d.host = lower(p_host) and t.status = 'COMMITTED'
    $$`)
  await knex.raw(`
    create function oo_memberships_of(p_user uuid) returns table (tenant_id uuid, role text, created_at timestamptz)
    language sql stable security definer set search_path = public as $$
      select m.tenant_id, m.role::text, m.created_at from members m join tenants t on t.id = m.tenant_id
       where m.user_id = p_user and t.status = 'COMMITTED' order by m.created_at
    $$`)
  await knex.raw(`
    create function oo_is_tenant_host(p_host text) returns boolean
    language sql stable security definer set search_path = public as $$
      select exists (select 1 from tenant_domains where host = lower(p_host))
    $$`)
  for (const fn of [
    'oo_tenant_by_host(text)',
    'oo_memberships_of(uuid)',
    'oo_is_tenant_host(text)',
  ]) {
    await knex.raw(`revoke all on function ${fn} from public`)
    await knex.raw(`grant execute on function ${fn} to oo_app`)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const fn of [
    'oo_tenant_by_host(text)',
    'oo_memberships_of(uuid)',
    'oo_is_tenant_host(text)',
  ])
    await knex.raw(`drop function ${fn}`)
  for (const table of [
    'tenant_provisioning',
    'project_members',
    'members',
    'projects',
    'tenant_domains',
    'users',
  ]) {
    await knex.schema.dropTable(table)
  }
  await knex.raw('alter table tenants drop column theme')
}
