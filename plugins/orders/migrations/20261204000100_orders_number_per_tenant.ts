import type { Knex } from 'knex'
import { APP_ROLE } from '@oo/core'

/**
 * Order numbers count per shop. One global sequence let a shop read off how many orders every
 * other shop took between two of its own. Each shop gets a sequence of its own, advanced by the
 * checkout's own statement through `oo_next_order_number()` (no extra round trip). A sequence, not
 * a counter row: a counter row is locked from the checkout's statement to its COMMIT, so every
 * checkout of a shop queued behind the one before (bench/orders.ts: peak 311 → 197/s); `nextval`
 * takes no lock a second checkout waits on. The price is a gap where a checkout rolls back.
 *
 * The sequences live in a schema `oo_app` cannot use, and the function (SECURITY DEFINER) only
 * advances the shop the transaction is bound to (the signed binding of `oo_bound_tenant`), so
 * SQL running as the engine can neither read nor advance another shop's count. Names are
 * schema-qualified instead of `SET search_path`, which would cost a settings save per call.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create schema oo_order_numbers')
  await knex.raw('revoke all on schema oo_order_numbers from public')
  await knex.raw(`
    create function public.oo_next_order_number() returns bigint
      language plpgsql volatile security definer as $$
    declare
      shop uuid := (select b.tenant from public.oo_bound_tenant b);
      seq text;
    begin
      if shop is null then
        raise exception 'oo_next_order_number: no tenant bound to this transaction' using errcode = '42501';
      end if;
      seq := 'oo_order_numbers.t_' || pg_catalog.replace(shop::text, '-', '');
      if pg_catalog.to_regclass(seq) is null then
        -- A shop's first order: made once, under a lock, starting after the numbers it has.
        perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(seq));
        execute pg_catalog.format('create sequence if not exists %s start with %s', seq,
          (select coalesce(max(o.number), 1000) + 1 from public.orders o where o.tenant_id = shop));
      end if;
      return pg_catalog.nextval(seq::regclass);
    end $$`)
  await knex.raw('revoke all on function public.oo_next_order_number() from public')
  await knex.raw(`grant execute on function public.oo_next_order_number() to ${APP_ROLE}`)
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
  await knex.raw('drop function public.oo_next_order_number()')
  await knex.raw('drop schema oo_order_numbers cascade')
}
