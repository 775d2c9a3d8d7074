import { describe, expect, it } from 'vitest'
import {
  forwardPath,
  nextStatus,
  ORDER_STATUSES,
  recallStatus,
  type OrderStatus,
} from './order-state.js'

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

describe('order state machine', () => {
  it('walks placed → accepted → preparing → ready → completed', () => {
    expect(nextStatus('placed', 'accepted')).toBe('accepted')
    expect(nextStatus('accepted', 'preparing')).toBe('preparing')
    expect(nextStatus('preparing', 'ready')).toBe('ready')
    expect(nextStatus('ready', 'completed')).toBe('completed')
  })

  it('rejects skipping a step and going backwards more than one step', () => {
    expect(code(() => nextStatus('placed', 'ready'))).toBe('ORDERS_INVALID_TRANSITION')
    expect(code(() => nextStatus('placed', 'completed'))).toBe('ORDERS_INVALID_TRANSITION')
    expect(code(() => nextStatus('ready', 'placed'))).toBe('ORDERS_INVALID_TRANSITION')
  })

  it('rejects every move out of cancelled and into placed from placed', () => {
    for (const to of ORDER_STATUSES)
      expect(code(() => nextStatus('cancelled', to))).toBe('ORDERS_INVALID_TRANSITION')
    expect(code(() => nextStatus('placed', 'placed'))).toBe('ORDERS_INVALID_TRANSITION')
  })

  it('cancels any order that is not completed or already cancelled', () => {
    for (const from of ['placed', 'accepted', 'preparing', 'ready'] as OrderStatus[])
      expect(nextStatus(from, 'cancelled')).toBe('cancelled')
    expect(code(() => nextStatus('completed', 'cancelled'))).toBe('ORDERS_INVALID_TRANSITION')
  })

  it('recalls one step back, and never from placed or cancelled', () => {
    expect(recallStatus('ready')).toBe('preparing')
    expect(recallStatus('completed')).toBe('ready')
    expect(nextStatus('ready', 'preparing')).toBe('preparing')
    expect(code(() => recallStatus('placed'))).toBe('ORDERS_INVALID_TRANSITION')
    expect(code(() => recallStatus('cancelled'))).toBe('ORDERS_INVALID_TRANSITION')
  })

  it('lists every intermediate step of a bump straight to ready', () => {
    expect(forwardPath('placed', 'ready')).toEqual(['accepted', 'preparing', 'ready'])
    expect(forwardPath('preparing', 'ready')).toEqual(['ready'])
    expect(code(() => forwardPath('ready', 'ready'))).toBe('ORDERS_INVALID_TRANSITION')
    expect(code(() => forwardPath('ready', 'preparing'))).toBe('ORDERS_INVALID_TRANSITION')
    expect(code(() => forwardPath('cancelled', 'ready'))).toBe('ORDERS_INVALID_TRANSITION')
  })
})
