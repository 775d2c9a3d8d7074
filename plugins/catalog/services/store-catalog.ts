import { OoError, type RequestCradle } from '@oo/core'
import type { Knex } from 'knex'
import type { StoreListQuery } from '../routes/schemas.js'
import type { AssetRow, PublicImage } from './product-rows.js'
import type { CachedBody } from './store-cache.js'

interface StoreRow {
  id: string
  slug: string
  name: string
  description: string
  price_minor: string
  currency: string
  stock_qty: number
  unit: string
  tags: string[]
  origin_farm: string | null
  origin_location: string | null
  harvest_date: string | null
  lot_code: string | null
  category_slug: string | null
  category_name: string | null
  farmer_name: string | null
  images: AssetRow[]
  total?: string
}

/** A product as storefronts see it: no tenant, version, farmer id or other internals. */
export interface StoreProduct {
  id: string
  slug: string
  name: string
  description: string
  price: { amountMinor: number; currency: string }
  unit: string
  stockQty: number
  inStock: boolean
  category: { slug: string; name: string } | null
  tags: string[]
  farmer: { name: string } | null
  origin: {
    farm: string | null
    location: string | null
    harvestDate: string | null
    lotCode: string | null
  }
  images: PublicImage[]
}

const SELECT = `
  select p.id, p.slug, p.name, p.description, p.price_minor, p.currency, p.stock_qty, p.unit, p.tags,
         p.origin_farm, p.origin_location, p.harvest_date::text as harvest_date, p.lot_code,
         c.slug as category_slug, c.name as category_name, u.name as farmer_name,
         coalesce((select json_agg(json_build_object('id', a.id, 'key_prefix', a.key_prefix, 'width', a.width, 'height', a.height,
                                                     'captured_at', a.captured_at, 'variants', a.variants) order by pi.position)
                     from catalog_product_images pi join media_assets a on a.id = pi.asset_id
                    where pi.product_id = p.id), '[]') as images`
const FROM = `
    from catalog_products p
    left join catalog_categories c on c.id = p.category_id
    left join users u on u.id = p.farmer_id
   where p.active`

const ORDER: Record<string, string> = {
  name: 'p.name asc, p.id',
  '-name': 'p.name desc, p.id',
  price: 'p.price_minor asc, p.name, p.id',
  '-price': 'p.price_minor desc, p.name, p.id',
  newest: 'p.created_at desc, p.id',
}

/** Words of a search as a prefix query: "heirloom tomat" → heirloom:* & tomat:* (stemmed by english). */
function prefixQuery(q: string): string | null {
  const words = q.normalize('NFKC').match(/[\p{L}\p{N}]+/gu)
  return words
    ? words
        .slice(0, 8)
        .map((w) => `${w}:*`)
        .join(' & ')
    : null
}

/** The storefront's read side: active products only, shaped for shoppers, cached until the next committed change. */
export class StoreCatalog {
  // The cradle proxy resolves lazily: a cache hit never builds the tenant's db handle or media service.
  readonly #cradle: Pick<RequestCradle, 'db' | 'tenant' | 'mediaService' | 'storeCache'>

  constructor(cradle: Pick<RequestCradle, 'db' | 'tenant' | 'mediaService' | 'storeCache'>) {
    this.#cradle = cradle
  }

  list(query: StoreListQuery): Promise<CachedBody> {
    return this.#cached(`list:${JSON.stringify(query)}`, () =>
      this.#cradle.db.tx((trx) => this.#list(trx, query)),
    )
  }

  bySlug(slug: string): Promise<CachedBody> {
    return this.#cached(`slug:${slug}`, () =>
      this.#cradle.db.tx(async (trx) => {
        const { rows } = await trx.raw<{ rows: StoreRow[] }>(`${SELECT} ${FROM} and p.slug = ?`, [
          slug,
        ])
        if (!rows[0])
          throw new OoError('CATALOG_PRODUCT_NOT_FOUND', 404, `No product ${slug} in this shop`)
        return this.#shape(rows[0])
      }),
    )
  }

  categories(): Promise<CachedBody> {
    return this.#cached('categories', () =>
      this.#cradle.db.tx(async (trx) => {
        const { rows } = await trx.raw<{
          rows: { slug: string; name: string; description: string | null; product_count: number }[]
        }>(`
          select c.slug, c.name, c.description,
                 (select count(*)::int from catalog_products p where p.category_id = c.id and p.active) as product_count
            from catalog_categories c order by c.position, c.name`)
        return rows.map((r) => ({
          slug: r.slug,
          name: r.name,
          description: r.description,
          productCount: r.product_count,
        }))
      }),
    )
  }

  async #cached(key: string, load: () => Promise<unknown>): Promise<CachedBody> {
    const { tenant, storeCache } = this.#cradle
    const fullKey = `${tenant.id}|${key}`
    const hit = storeCache.get(tenant.id, fullKey)
    if (hit) return hit
    const generation = storeCache.generation(tenant.id)
    return storeCache.put(tenant.id, fullKey, generation, await load())
  }

  async #list(
    trx: Knex.Transaction,
    query: StoreListQuery,
  ): Promise<{ items: StoreProduct[]; total: number; page: number; perPage: number }> {
    const where: string[] = []
    const bindings: Knex.RawBinding[] = []
    let order = ORDER[query.sort ?? 'name'] ?? ORDER.name!
    if (query.q !== undefined) {
      const tsq = prefixQuery(query.q)
      if (!tsq) return { items: [], total: 0, page: query.page, perPage: query.perPage }
      where.push(`p.search @@ to_tsquery('english', ?)`)
      bindings.push(tsq)
      if (!query.sort || query.sort === 'relevance') {
        order = `(lower(p.name) = lower(?)) desc, ts_rank_cd(p.search, to_tsquery('english', ?)) desc, p.name, p.id`
      }
    }
    if (query.category) {
      where.push('c.slug = ?')
      bindings.push(query.category)
    }
    if (query.tag) {
      where.push('p.tags @> ?::text[]')
      bindings.push(query.tag.map((t) => t.toLowerCase()))
    }
    const orderBindings: Knex.RawBinding[] = order.startsWith('(lower')
      ? [query.q!, prefixQuery(query.q!)!]
      : []
    const filter = where.map((w) => ` and ${w}`).join('')
    // Pick the page's ids first (a top-N sort, no window over every match), count separately;
    // images and joins are built for the page only.
    const matching = `from catalog_products p left join catalog_categories c on c.id = p.category_id where p.active${filter}`
    const { rows } = await trx.raw<{ rows: StoreRow[] }>(
      `with page as (select t.id, t.rn from unnest(array(select p.id ${matching} order by ${order} limit ? offset ?)) with ordinality as t(id, rn))
       ${SELECT}, (select count(*) ${matching}) as total
         from page join catalog_products p on p.id = page.id
         left join catalog_categories c on c.id = p.category_id
         left join users u on u.id = p.farmer_id
        order by page.rn`,
      [...bindings, ...orderBindings, query.perPage, (query.page - 1) * query.perPage, ...bindings],
    )
    let total = Number(rows[0]?.total ?? 0)
    if (!rows.length && query.page > 1) {
      const counted = await trx.raw<{ rows: { n: number }[] }>(
        `select count(*)::int as n ${matching}`,
        bindings,
      )
      total = counted.rows[0]?.n ?? 0
    }
    return {
      items: await Promise.all(rows.map((r) => this.#shape(r))),
      total,
      page: query.page,
      perPage: query.perPage,
    }
  }

  async #shape(r: StoreRow): Promise<StoreProduct> {
    return {
      id: r.id,
      slug: r.slug,
      name: r.name,
      description: r.description,
      price: { amountMinor: Number(r.price_minor), currency: r.currency },
      unit: r.unit,
      stockQty: r.stock_qty,
      inStock: r.stock_qty > 0,
      category: r.category_slug ? { slug: r.category_slug, name: r.category_name! } : null,
      tags: r.tags,
      farmer: r.farmer_name ? { name: r.farmer_name } : null,
      origin: {
        farm: r.origin_farm,
        location: r.origin_location,
        harvestDate: r.harvest_date,
        lotCode: r.lot_code,
      },
      images: await Promise.all(r.images.map((a) => this.#cradle.mediaService.toPublic(a))),
    }
  }
}
