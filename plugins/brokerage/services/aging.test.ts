import { describe, expect, it } from 'vitest'
import { ageReceivables, bucketOf, daysPastDue } from './aging.js'

describe('receivables aging', () => {
  it('puts the bucket edges where the report says: 30, 60 and 90 days past due', () => {
    expect([-5, 0, 30, 31, 60, 61, 90, 91, 400].map(bucketOf)).toEqual([
      '0-30',
      '0-30',
      '0-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '90+',
      '90+',
    ])
  })

  it('counts whole calendar days, across month ends and leap days', () => {
    expect(daysPastDue('2028-02-28', '2028-03-01')).toBe(2)
    expect(daysPastDue('2026-12-31', '2026-12-01')).toBe(-30)
  })

  it('sums balances per customer and bucket and skips settled invoices', () => {
    const aged = ageReceivables(
      [
        { customerId: 'b', customerName: 'Beta', dueDate: '2026-01-10', balanceMinor: 500 },
        { customerId: 'a', customerName: 'Acme', dueDate: '2026-03-01', balanceMinor: 1_000 },
        { customerId: 'a', customerName: 'Acme', dueDate: '2025-11-01', balanceMinor: 250 },
        { customerId: 'a', customerName: 'Acme', dueDate: '2026-03-01', balanceMinor: 0 },
      ],
      '2026-03-15',
    )
    expect(aged.customers).toEqual([
      {
        customerId: 'a',
        customerName: 'Acme',
        buckets: { '0-30': 1_000, '31-60': 0, '61-90': 0, '90+': 250 },
        totalMinor: 1_250,
      },
      {
        customerId: 'b',
        customerName: 'Beta',
        buckets: { '0-30': 0, '31-60': 0, '61-90': 500, '90+': 0 },
        totalMinor: 500,
      },
    ])
    expect(aged.totals).toEqual({ '0-30': 1_000, '31-60': 0, '61-90': 500, '90+': 250 })
    expect(aged.totalMinor).toBe(1_750)
  })
})
