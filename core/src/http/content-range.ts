import type { Context } from 'koa'
import type { Knex } from 'knex'
import { z } from 'zod'
import { OoError } from '../errors.js'
import { assertStorableInput } from './input-guard.js'

/** A list request in the ra-data-simple-rest dialect, parsed and checked. */
export interface ListQuery<F = Record<string, unknown>> {
  sort: { field: string; order: 'asc' | 'desc' }
  range: { start: number; end: number }
  filter: F
}

const MAX_PAGE = 500

function json(name: string, raw: unknown): unknown {
  if (raw === undefined) return undefined
  if (typeof raw !== 'string')
    throw new OoError('OO_VALIDATION_FAILED', 400, `${name} must be a JSON value`, { field: name })
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new OoError('OO_VALIDATION_FAILED', 400, `${name} is not valid JSON`, { field: name })
  }
  assertStorableInput(value, [name]) // a JSON escape such as \u0000 passes the query's own check
  return value
}

/**
 * Parses `?sort=["name","ASC"]&range=[0,24]&filter={"q":"x"}` as react-admin's stock
 * ra-data-simple-rest sends it. Sorting is limited to `sortable` (also the SQL allow-list).
 */
export function parseListQuery<F extends z.ZodType>(
  query: Record<string, unknown>,
  opts: { sortable: readonly string[]; defaultSort?: [string, 'asc' | 'desc']; filter: F },
): ListQuery<z.output<F>> {
  const [defaultField, defaultOrder] = opts.defaultSort ?? [opts.sortable[0] ?? 'id', 'asc']
  const sortRaw = json('sort', query.sort) ?? [defaultField, defaultOrder]
  const sort = z.tuple([z.string(), z.string()]).safeParse(sortRaw)
  if (
    !sort.success ||
    !opts.sortable.includes(sort.data[0]) ||
    !/^(asc|desc)$/i.test(sort.data[1])
  ) {
    throw new OoError(
      'OO_VALIDATION_FAILED',
      400,
      `sort must be [field, "ASC"|"DESC"] with field one of ${opts.sortable.join(', ')}`,
      { field: 'sort' },
    )
  }
  const rangeRaw = json('range', query.range) ?? [0, 24]
  const range = z.tuple([z.number().int().min(0), z.number().int().min(0)]).safeParse(rangeRaw)
  if (
    !range.success ||
    range.data[1] < range.data[0] ||
    range.data[1] - range.data[0] >= MAX_PAGE
  ) {
    throw new OoError(
      'OO_VALIDATION_FAILED',
      400,
      `range must be [start, end] with at most ${MAX_PAGE} rows`,
      { field: 'range' },
    )
  }
  const filter = opts.filter.safeParse(json('filter', query.filter) ?? {})
  if (!filter.success) {
    const issue = filter.error.issues[0]
    const field = ['filter', ...(issue?.path ?? []).map(String)].join('.')
    throw new OoError('OO_VALIDATION_FAILED', 400, `${field}: ${issue?.message}`, {
      field,
      details: { issues: filter.error.issues },
    })
  }
  return {
    sort: { field: sort.data[0], order: sort.data[1].toLowerCase() as 'asc' | 'desc' },
    range: { start: range.data[0], end: range.data[1] },
    filter: filter.data,
  }
}

/** Applies sort and range; the sort field was allow-listed by `parseListQuery`. */
export function applyListQuery<Q extends Knex.QueryBuilder>(
  qb: Q,
  list: ListQuery<unknown>,
  column = (f: string) => f,
): Q {
  return qb
    .orderBy(column(list.sort.field), list.sort.order)
    .offset(list.range.start)
    .limit(list.range.end - list.range.start + 1) as Q
}

/** `Content-Range: products 0-24/319`, which ra-data-simple-rest reads for the total. */
export function setContentRange(
  ctx: Context,
  resource: string,
  range: ListQuery['range'],
  total: number,
  count?: number,
): void {
  const shown = count ?? Math.max(0, Math.min(range.end, total - 1) - range.start + 1)
  ctx.set(
    'Content-Range',
    shown > 0
      ? `${resource} ${range.start}-${range.start + shown - 1}/${total}`
      : `${resource} */${total}`,
  )
}
