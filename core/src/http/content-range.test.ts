import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseListQuery, setContentRange } from './content-range.js'

const opts = { sortable: ['name', 'id'], filter: z.object({ q: z.string().optional() }).strict() }

describe('parseListQuery', () => {
  it('reads the ra-data-simple-rest dialect', () => {
    const q = parseListQuery(
      { sort: '["name","DESC"]', range: '[10,19]', filter: '{"q":"kale"}' },
      opts,
    )
    expect(q).toEqual({
      sort: { field: 'name', order: 'desc' },
      range: { start: 10, end: 19 },
      filter: { q: 'kale' },
    })
  })

  it('defaults to the first sortable field and 25 rows', () => {
    expect(parseListQuery({}, opts)).toMatchObject({
      sort: { field: 'name', order: 'asc' },
      range: { start: 0, end: 24 },
    })
  })

  it('refuses sorting by a column outside the allow-list', () => {
    expect(() => parseListQuery({ sort: '["password","ASC"]' }, opts)).toThrow(/sort must be/)
  })

  it('names the filter field at fault', () => {
    try {
      parseListQuery({ filter: '{"q":5}' }, opts)
      expect.unreachable()
    } catch (err) {
      expect((err as { field: string }).field).toBe('filter.q')
    }
  })

  it('refuses malformed JSON and oversized pages', () => {
    expect(() => parseListQuery({ range: '[0,' }, opts)).toThrow(/range is not valid JSON/)
    expect(() => parseListQuery({ range: '[0,10000]' }, opts)).toThrow(/at most 500/)
  })
})

describe('setContentRange', () => {
  function ctx() {
    const headers: Record<string, string> = {}
    return { headers, set: (k: string, v: string) => (headers[k] = v) }
  }

  it('writes the shown slice and the total', () => {
    const c = ctx()
    setContentRange(c as never, 'products', { start: 0, end: 24 }, 319)
    expect(c.headers['Content-Range']).toBe('products 0-24/319')
  })

  it('writes */total for an empty page', () => {
    const c = ctx()
    setContentRange(c as never, 'orders', { start: 0, end: 24 }, 0)
    expect(c.headers['Content-Range']).toBe('orders */0')
  })
})
