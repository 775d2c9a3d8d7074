/** Accounts-receivable aging, by days past the due date (an invoice not yet due is in 0–30). */
export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const
export type AgingBucket = (typeof AGING_BUCKETS)[number]

export interface OpenInvoice {
  customerId: string
  customerName: string
  dueDate: string
  balanceMinor: number
}

export interface AgingRow {
  customerId: string
  customerName: string
  buckets: Record<AgingBucket, number>
  totalMinor: number
}

const DAY_MS = 86_400_000

/** Whole days from `dueDate` to `today` (both `YYYY-MM-DD`, UTC); negative when not yet due. */
export function daysPastDue(dueDate: string, today: string): number {
  return Math.round(
    (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / DAY_MS,
  )
}

export function bucketOf(days: number): AgingBucket {
  if (days <= 30) return '0-30'
  if (days <= 60) return '31-60'
  if (days <= 90) return '61-90'
  return '90+'
}

const empty = (): Record<AgingBucket, number> => ({ '0-30': 0, '31-60': 0, '61-90': 0, '90+': 0 })

/** Balances per customer and bucket, plus the totals row; customers sorted by name. */
export function ageReceivables(
  invoices: readonly OpenInvoice[],
  today: string,
): { customers: AgingRow[]; totals: Record<AgingBucket, number>; totalMinor: number } {
  const byCustomer = new Map<string, AgingRow>()
  const totals = empty()
  for (const inv of invoices) {
    if (inv.balanceMinor <= 0) continue
    const bucket = bucketOf(daysPastDue(inv.dueDate, today))
    const row = byCustomer.get(inv.customerId) ?? {
      customerId: inv.customerId,
      customerName: inv.customerName,
      buckets: empty(),
      totalMinor: 0,
    }
    row.buckets[bucket] += inv.balanceMinor
    row.totalMinor += inv.balanceMinor
    totals[bucket] += inv.balanceMinor
    byCustomer.set(inv.customerId, row)
  }
  const customers = [...byCustomer.values()].sort((a, b) =>
    a.customerName.localeCompare(b.customerName),
  )
  return { customers, totals, totalMinor: customers.reduce((n, c) => n + c.totalMinor, 0) }
}
