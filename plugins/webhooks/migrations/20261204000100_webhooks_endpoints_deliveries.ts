import type { Knex } from 'knex'
import { APP_ROLE, createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'webhook_endpoints', (t) => {
    t.text('url').notNullable()
    t.string('description', 500).notNullable().defaultTo('')
    t.specificType('events', 'text[]').notNullable()
    t.boolean('enabled').notNullable().defaultTo(true)
    // The signing key (`whsec_…`): the engine signs with it, so it is kept, but never listed.
    t.text('secret').notNullable()
    // Start of the current run of failed attempts (null after a success); the disable clock.
    t.timestamp('failing_since', { useTz: true }).nullable()
    t.timestamp('disabled_at', { useTz: true }).nullable()
    t.string('disabled_reason', 2000).nullable()
  })

  await createTenantTable(knex, 'webhook_deliveries', (t) => {
    t.uuid('endpoint_id')
      .notNullable()
      .references('id')
      .inTable('webhook_endpoints')
      .onDelete('CASCADE')
    // Enqueue order: an endpoint gets its deliveries strictly in this order.
    t.bigIncrements('seq', { primaryKey: false })
    t.uuid('event_id').notNullable()
    t.string('event_name', 200).notNullable()
    // `webhook-id`: the same on every attempt and on a manual replay, so receivers can dedupe.
    t.string('message_id', 100).notNullable()
    // The exact body sent, `{ type, timestamp, data }`.
    t.jsonb('payload').notNullable()
    t.string('status', 16).notNullable().defaultTo('pending')
    t.integer('attempts').notNullable().defaultTo(0)
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.string('claimed_by', 200).nullable()
    t.timestamp('claimed_until', { useTz: true }).nullable()
    t.timestamp('last_attempt_at', { useTz: true }).nullable()
    t.integer('response_status').nullable()
    t.string('last_error', 2000).nullable()
    t.timestamp('delivered_at', { useTz: true }).nullable()
    t.uuid('replay_of').nullable()
  })
  await knex.raw(
    `alter table webhook_deliveries add constraint webhook_deliveries_status_check check (status in ('pending','delivered','failed'))`,
  )
  // The outbox delivers at least once: a redelivered event enqueues nothing new.
  await knex.raw(
    `create unique index webhook_deliveries_once on webhook_deliveries (endpoint_id, event_id) where replay_of is null`,
  )
  // An endpoint's next delivery (its head) and the worker's due scan.
  await knex.raw(
    `create index webhook_deliveries_pending on webhook_deliveries (endpoint_id, seq) where status = 'pending'`,
  )
  await knex.raw(
    `create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending'`,
  )
  await knex.raw(
    `create index webhook_deliveries_log on webhook_deliveries (endpoint_id, seq desc)`,
  )
  await knex.raw(`grant usage on sequence webhook_deliveries_seq_seq to ${APP_ROLE}`)

  // The delivery worker asks across tenants only "which tenants have an endpoint whose next
  // delivery is due?"; URLs, secrets and payloads are read inside each tenant's own transaction.
  await knex.raw(`
    create function oo_webhooks_due_tenants(max_tenants integer) returns table (tenant_id uuid)
    language sql stable security definer set search_path = public as $$
      select distinct head.tenant_id from (
        select distinct on (d.endpoint_id) d.endpoint_id, d.tenant_id, d.next_attempt_at, d.claimed_until
          from webhook_deliveries d
         where d.status = 'pending'
         order by d.endpoint_id, d.seq) head
        join webhook_endpoints e on e.id = head.endpoint_id and e.enabled
       where head.next_attempt_at <= now()
         and (head.claimed_until is null or head.claimed_until < now())
       limit max_tenants
    $$`)
  await knex.raw(`revoke all on function oo_webhooks_due_tenants(integer) from public`)
  await knex.raw(`grant execute on function oo_webhooks_due_tenants(integer) to ${APP_ROLE}`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function oo_webhooks_due_tenants(integer)')
  await knex.schema.dropTable('webhook_deliveries')
  await knex.schema.dropTable('webhook_endpoints')
}
