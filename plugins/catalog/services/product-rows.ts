import type { RequestCradle } from '@oo/core'
import type { Knex } from 'knex'
import type { ProductUpdatedPayload } from '../cradle.js'

type Media = RequestCradle['mediaService']
export type AssetRow = Parameters<Media['toPublic']>[0]
export type PublicImage = Awaited<ReturnType<Media['toPublic']>>

export interface ProductRow {
  id: string
  slug: string
  name: string
  description: string
  price_minor: string | number
  currency: string
  stock_qty: number
  unit: string
  category_id: string | null
  tags: string[]
  active: boolean
  farmer_id: string | null
  origin_farm: string | null
  origin_location: string | null
  harvest_date: string | Date | null
  lot_code: string | null
  version: number
  created_at: Date
  updated_at: Date
}

export interface AdminProduct {
  id: string
  slug: string
  name: string
  description: string
  priceMinor: number
  currency: string
  stockQty: number
  unit: string
  categoryId: string | null
  tags: string[]
  active: boolean
  farmerId: string | null
  originFarm: string | null
  originLocation: string | null
  harvestDate: string | null
  lotCode: string | null
  images: (PublicImage & { position: number; alt: string | null })[]
  createdAt: string
  updatedAt: string
}

/** Column for each field the API speaks (also the sort allow-list). */
export const PRODUCT_COLUMNS: Record<string, string> = {
  id: 'id',
  name: 'name',
  slug: 'slug',
  description: 'description',
  priceMinor: 'price_minor',
  currency: 'currency',
  stockQty: 'stock_qty',
  unit: 'unit',
  categoryId: 'category_id',
  tags: 'tags',
  active: 'active',
  farmerId: 'farmer_id',
  originFarm: 'origin_farm',
  originLocation: 'origin_location',
  harvestDate: 'harvest_date',
  lotCode: 'lot_code',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
}

/** camelCase API fields → a row patch (only the fields present). */
export function toRowPatch(fields: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(fields)) {
    const column = PRODUCT_COLUMNS[field]
    if (column && value !== undefined && !['id', 'createdAt', 'updatedAt'].includes(field))
      patch[column] = value
  }
  return patch
}

export function dateOnly(value: string | Date | null): string | null {
  if (value === null) return null
  if (typeof value === 'string') return value.slice(0, 10)
  // `date` columns come back as local midnight from node-postgres.
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`
}

/** What changed between two versions of a row, as `catalog.product.updated` names it. */
export function changesBetween(before: ProductRow, after: ProductRow): string[] {
  const changes: string[] = []
  if (before.stock_qty !== after.stock_qty) changes.push('stock')
  if (
    Number(before.price_minor) !== Number(after.price_minor) ||
    before.currency !== after.currency
  )
    changes.push('price')
  if (before.active !== after.active) changes.push('active')
  const detail = (r: ProductRow) =>
    JSON.stringify([
      r.name,
      r.slug,
      r.description,
      r.unit,
      r.category_id,
      r.tags,
      r.farmer_id,
      r.origin_farm,
      r.origin_location,
      dateOnly(r.harvest_date),
      r.lot_code,
    ])
  if (detail(before) !== detail(after)) changes.push('details')
  return changes
}

export function updatedPayload(row: ProductRow, changes: string[]): ProductUpdatedPayload {
  return {
    productId: row.id,
    slug: row.slug,
    stockQty: row.stock_qty,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    active: row.active,
    changes,
  }
}

export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90)
    .replace(/-+$/, '')
  return base || 'product'
}

/** `base`, or `base-2`, `base-3`… whichever is free in this tenant. */
export async function uniqueSlug(
  trx: Knex.Transaction,
  base: string,
  exceptId?: string,
): Promise<string> {
  const taken = new Set<string>(
    await trx('catalog_products')
      .where((q) => q.where('slug', base).orWhere('slug', 'like', `${base}-%`))
      .modify((q) => (exceptId ? q.whereNot('id', exceptId) : q))
      .pluck('slug'),
  )
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

/** The product's images with their assets, in display order. */
export async function imagesOf(
  trx: Knex.Transaction,
  productIds: readonly string[],
): Promise<
  Map<string, (AssetRow & { product_id: string; position: number; alt: string | null })[]>
> {
  const rows = await trx('catalog_product_images as pi')
    .join('media_assets as a', 'a.id', 'pi.asset_id')
    .whereIn('pi.product_id', productIds)
    .orderBy([{ column: 'pi.product_id' }, { column: 'pi.position' }])
    .select(
      'pi.product_id',
      'pi.position',
      'pi.alt',
      'a.id',
      'a.key_prefix',
      'a.width',
      'a.height',
      'a.captured_at',
      'a.variants',
    )
  const byProduct = new Map<
    string,
    (AssetRow & { product_id: string; position: number; alt: string | null })[]
  >()
  for (const row of rows)
    byProduct.set(row.product_id, [...(byProduct.get(row.product_id) ?? []), row])
  return byProduct
}
