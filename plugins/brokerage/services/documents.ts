import { CURRENT_TENANT_SQL } from '@oo/core'
import type { Knex } from 'knex'
import { StatusChange } from '../models/billing.js'
import type { Actor } from './actor.js'

/**
 * The tenant's next number in a series (purchase_order, sales_order, invoice), taken in the
 * writing transaction: the counter row stays locked until it commits, so two documents never
 * share a number and a rolled-back one gives its number back.
 */
export async function nextNumber(trx: Knex.Transaction, series: string): Promise<number> {
  const { rows } = await trx.raw(
    `insert into brokerage_counters (tenant_id, series, value) values (${CURRENT_TENANT_SQL}, ?, 1)
     on conflict (tenant_id, series) do update set value = brokerage_counters.value + 1, updated_at = now()
     returning value`,
    [series],
  )
  return Number((rows as { value: string | number }[])[0]!.value)
}

export function recordTransition(
  trx: Knex.Transaction,
  change: { entity: string; entityId: string; from: string | null; to: string; reason?: string },
  actor: Actor,
) {
  return StatusChange.query(trx).insert({
    entity: change.entity,
    entityId: change.entityId,
    fromStatus: change.from,
    toStatus: change.to,
    reason: change.reason ?? null,
    actorId: actor.id,
    actorLabel: actor.label,
  })
}

export function historyOf(trx: Knex.Transaction, entityId: string) {
  return StatusChange.query(trx)
    .where('entity_id', entityId)
    .orderBy('created_at')
    .orderBy('id')
    .select('from_status', 'to_status', 'actor_id', 'actor_label', 'reason', 'created_at')
}

/** Lines numbered in order with their totals (weight × price per unit, rounded to the cent). */
export function priceLines<L extends { weight: number; pricePerUnitMinor: number }>(lines: L[]) {
  const priced = lines.map((line, i) => ({
    ...line,
    lineNo: i + 1,
    lineTotalMinor: Math.round(line.weight * line.pricePerUnitMinor),
  }))
  return { lines: priced, totalMinor: priced.reduce((n, l) => n + l.lineTotalMinor, 0) }
}

/** Today as `YYYY-MM-DD` (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}
