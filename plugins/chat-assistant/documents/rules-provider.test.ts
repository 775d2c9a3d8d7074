import { describe, expect, it } from 'vitest'
import { draftFrom, matchName } from './draft.js'
import { isoDate, readByRules } from './rules-provider.js'

const CONFIRMATION = `PRAIRIE PACKERS INC. — ORDER CONFIRMATION
Supplier: Prairie Packers Inc.
Ship to: Omaha Cold Store
Carrier: Reefer Lines LLC
Pickup date: 03/02/2026
Delivery: 2026-03-04
Chuck roll   40,000 lb @ $3.125/lb
Pork bellies 20000 lbs at 1.89 per lb
Terms net 30`

const vocabulary = {
  suppliers: [{ id: 's1', name: 'Prairie Packers' }],
  plants: [
    { id: 'p1', name: 'Omaha Cold Store' },
    { id: 'p2', name: 'Omaha Processing' },
  ],
  carriers: [{ id: 'c1', name: 'Reefer Lines' }],
  productTypes: [
    { id: 't1', name: 'Chuck roll' },
    { id: 't2', name: 'Pork bellies' },
  ],
}

describe('rules provider', () => {
  it('reads labelled fields and priced lines from a supplier confirmation', () => {
    expect(readByRules(CONFIRMATION)).toEqual({
      supplier: 'Prairie Packers Inc.',
      plant: 'Omaha Cold Store',
      carrier: 'Reefer Lines LLC',
      pickupDate: '2026-03-02',
      deliveryDate: '2026-03-04',
      weightUnit: 'lb',
      lines: [
        { product: 'Chuck roll', weight: 40_000, pricePerUnit: 3.125 },
        { product: 'Pork bellies', weight: 20_000, pricePerUnit: 1.89 },
      ],
    })
  })

  it('turns the reading into a draft with the tenant’s ids and prices in cents', () => {
    const draft = draftFrom(readByRules(CONFIRMATION), vocabulary)
    expect(draft).toMatchObject({
      supplierId: 's1',
      plantId: 'p1',
      carrierId: 'c1',
      lines: [
        { productTypeId: 't1', weight: 40_000, pricePerUnitMinor: 312.5 },
        { productTypeId: 't2', weight: 20_000, pricePerUnitMinor: 189 },
      ],
      warnings: [],
    })
  })

  it('leaves what it cannot match empty and says so', () => {
    const draft = draftFrom(readByRules('Vendor: Unknown Meats\nBrisket 500 kg @ 7.10'), vocabulary)
    expect(draft).toMatchObject({ supplierId: null, plantId: null, weightUnit: 'kg' })
    expect(draft.lines).toEqual([
      { productTypeId: null, productName: 'Brisket', weight: 500, pricePerUnitMinor: 710 },
    ])
    expect(draft.warnings).toEqual([
      'No product type named "Brisket": pick one',
      'No supplier named "Unknown Meats": pick one',
      'The document names no plant',
    ])
  })

  it('matches names exactly first, else only when one name is unambiguous', () => {
    expect(matchName('omaha cold store', vocabulary.plants)?.id).toBe('p1')
    expect(matchName('Omaha', vocabulary.plants)).toBeNull()
    expect(matchName('Reefer Lines, Inc.', vocabulary.carriers)?.id).toBe('c1')
  })

  it('reads ISO and US dates and refuses impossible ones', () => {
    expect(isoDate('on 2026-03-02')).toBe('2026-03-02')
    expect(isoDate('3/7/2026')).toBe('2026-03-07')
    expect(isoDate('13/40/2026')).toBeNull()
  })
})
