import type { Knex } from 'knex'

// The engine role: may log in (for deployments that give it its own credentials), is not a
// superuser, cannot bypass RLS and owns nothing. Roles are cluster-wide, so creation tolerates
// a concurrent migration of another database creating it first.
const CREATE_APP_ROLE = `
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'oo_app') then
    begin
      create role oo_app login nosuperuser nocreatedb nocreaterole nobypassrls;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end $$`

export async function up(knex: Knex): Promise<void> {
  await knex.raw(CREATE_APP_ROLE)
  await knex.raw('grant usage on schema public to oo_app')
  // Lets an owner login `set role oo_app` when the engine has no login of its own.
  await knex.raw(
    `do $$ begin execute format('grant oo_app to %I', current_user); exception when others then null; end $$`,
  )

  await knex.schema.createTable('tenants', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.string('slug', 63).notNullable().unique()
    t.string('name', 200).notNullable()
    t.string('status', 16).notNullable().defaultTo('PENDING')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.raw(
    `alter table tenants add constraint tenants_status_check check (status in ('PENDING','COMMITTED','FAILED'))`,
  )
  await knex.raw('grant select, insert, update, delete on tenants to oo_app')

  await knex.schema.createTable('oo_outbox', (t) => {
    t.bigIncrements('id')
    t.uuid('event_id').notNullable().unique()
    t.uuid('tenant_id').nullable()
    t.string('name', 200).notNullable()
    t.jsonb('payload').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('available_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.string('claimed_by', 200).nullable()
    t.timestamp('claimed_until', { useTz: true }).nullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.timestamp('dispatched_at', { useTz: true }).nullable()
    t.timestamp('failed_at', { useTz: true }).nullable()
    t.text('last_error').nullable()
  })
  await knex.raw(
    'create index oo_outbox_due on oo_outbox (id) where dispatched_at is null and failed_at is null',
  )
  await knex.raw('grant select, insert, update on oo_outbox to oo_app')
  await knex.raw('grant usage on sequence oo_outbox_id_seq to oo_app')
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oo_outbox')
  await knex.schema.dropTable('tenants')
}
