import type { Knex } from 'knex'
import { APP_ROLE, enableTenantRls } from '@oo/core'

/**
 * Order numbers count per shop. One global sequence let a shop read off how many orders every
 * other shop took between two of its own. A counter row per tenant, advanced by the checkout's
 * own statement (no extra round trip); its row lock is the last one a checkout takes, after the
 * stock rows, so it adds no lock cycle.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table order_numbers (
      tenant_id uuid primary key references tenants(id) on delete cascade,
      last_number bigint not null
    )`)
  await enableTenantRls(knex, 'order_numbers')
  await knex.raw(
    `insert into order_numbers (tenant_id, last_number) select tenant_id, max(number) from orders group by tenant_id`,
  )
  await knex.raw('alter table orders alter column number drop default')
  await knex.raw('drop sequence orders_number_seq')
  await knex.raw('create unique index orders_tenant_number_unique on orders (tenant_id, number)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index orders_tenant_number_unique')
  const { rows } = await knex.raw('select coalesce(max(number), 1000) + 1 as next from orders')
  const next = Number((rows as { next: string }[])[0]?.next ?? 1001)
  await knex.raw(`create sequence orders_number_seq start ${next}`)
  await knex.raw(`grant usage on sequence orders_number_seq to ${APP_ROLE}`)
  await knex.raw(`alter table orders alter column number set default nextval('orders_number_seq')`)
  await knex.raw('drop table order_numbers')
}
