import type { ListQuery, TenantModel } from '@oo/core'
import type { QueryBuilder } from 'objection'

export const snake = (property: string) => property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/**
 * react-admin's list on an Objection query: `id` (getMany), `q` on `searchColumn`, equality on
 * the allowed filter keys, the sort (allow-listed by parseListQuery) and the range; the total
 * comes from the same filtered query.
 */
export async function listPage<M extends TenantModel>(
  query: QueryBuilder<M>,
  list: ListQuery<Record<string, unknown>>,
  opts: { filters: readonly string[]; searchColumn?: string },
): Promise<{ rows: M[]; total: number }> {
  const table = query.modelClass().tableName
  const { id, q, ...rest } = list.filter
  if (id !== undefined) query.whereIn(`${table}.id`, Array.isArray(id) ? id : [id])
  if (typeof q === 'string' && q.trim() && opts.searchColumn)
    query.where(
      `${table}.${opts.searchColumn}`,
      'ilike',
      `%${q.trim().replace(/[\\%_]/g, '\\$&')}%`,
    )
  for (const key of opts.filters)
    if (rest[key] !== undefined) query.where(`${table}.${snake(key)}`, rest[key] as string)
  const total = await query.clone().resultSize()
  const rows = await query
    .orderBy(`${table}.${snake(list.sort.field)}`, list.sort.order)
    .orderBy(`${table}.id`)
    .offset(list.range.start)
    .limit(list.range.end - list.range.start + 1)
  return { rows, total }
}
