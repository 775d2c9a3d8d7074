import { describe, expect, it } from 'vitest'
import { buildTicket, markItems, routeItem, sameTicket, type OrderForKitchen } from './tickets.js'

const stations = [
  { id: 'grill', name: 'Grill', categories: ['burgers', 'steaks'] },
  { id: 'cold', name: 'Cold', categories: ['salads', 'burgers'] },
]

const order: OrderForKitchen = {
  id: 'o1',
  number: 1001,
  status: 'placed',
  customer: { name: 'Ann', pickupName: null },
  note: null,
  placedAt: '2026-01-01T12:00:00.000Z',
  lines: [
    { id: 'l1', name: 'Cheeseburger', quantity: 2, categorySlug: 'burgers' },
    { id: 'l2', name: 'Lemonade', quantity: 1, categorySlug: 'drinks' },
    { id: 'l3', name: 'Mystery', quantity: 1, categorySlug: null },
  ],
}

describe('kitchen tickets', () => {
  it('routes an item to every station listing its category, and unrouted items to all', () => {
    expect(routeItem('burgers', stations)).toEqual(['grill', 'cold'])
    expect(routeItem('steaks', stations)).toEqual(['grill'])
    expect(routeItem('drinks', stations)).toEqual([])
    expect(routeItem(null, stations)).toEqual([])
  })

  it('builds a ticket labelled with the pickup name, else the customer name', () => {
    const ticket = buildTicket(order, undefined, stations)
    expect(ticket.label).toBe('Ann')
    expect(ticket.items.map((i) => i.stations)).toEqual([['grill', 'cold'], [], []])
    expect(
      buildTicket(
        { ...order, customer: { name: 'Ann', pickupName: 'Table 4' } },
        undefined,
        stations,
      ).label,
    ).toBe('Table 4')
  })

  it('keeps the bump marks of a rebuilt ticket and notices a changed status or bump', () => {
    const first = buildTicket(order, undefined, stations)
    const bumped = {
      ...first,
      items: markItems(first.items, 'l1', true, '2026-01-01T12:01:00.000Z'),
    }
    const rebuilt = buildTicket({ ...order, status: 'preparing' }, bumped.items, stations)
    expect(rebuilt.items[0]!.bumpedAt).toBe('2026-01-01T12:01:00.000Z')
    expect(rebuilt.items[1]!.bumpedAt).toBeNull()
    expect(sameTicket(bumped, buildTicket(order, bumped.items, stations))).toBe(true)
    expect(sameTicket(bumped, rebuilt)).toBe(false)
    expect(sameTicket(first, bumped)).toBe(false)
  })

  it('bumps every item at once and keeps the first bump time', () => {
    const items = markItems(buildTicket(order, undefined, stations).items, 'l1', true, 'T1')
    const all = markItems(items, undefined, true, 'T2')
    expect(all.map((i) => i.bumpedAt)).toEqual(['T1', 'T2', 'T2'])
    expect(markItems(all, undefined, false, 'T3').every((i) => i.bumpedAt === null)).toBe(true)
  })
})
