import { isUuid, OoError, type ScopedEventBus } from '@oo/core'
import type { Knex } from 'knex'

/** One requested line of a checkout: which product, how many units. */
export interface StockLine {
  productId: string
  quantity: number
}

/** A line priced from the database (never from the client) after its stock was taken. */
export interface PricedLine {
  productId: string
  name: string
  quantity: number
  unitPriceMinor: number
  currency: string
  categoryId: string | null
  categorySlug: string | null
  farmerId: string | null
}

interface TakenRow {
  id: string
  slug: string
  name: string
  price_minor: string | number
  currency: string
  stock_qty: number
  active: boolean
  category_id: string | null
  category_slug: string | null
  farmer_id: string | null
}

const MAX_QUANTITY = 100_000

const TAKEN = 'id, slug, name, price_minor, currency, stock_qty, active, category_id, farmer_id'

/**
 * What a caller runs in the take's own statement, after it: SQL common table expressions that
 * read the cart's taken lines from the CTE `priced` (columns `id, name, price_minor, currency,
 * category_id, category_slug, farmer_id`) and may write only when `(select ok from take_complete)`
 * holds, then one scalar `result` expression (e.g. `(select to_json(o) from o)`). Bindings are
 * named (`:name`); names starting with `take_` are the take's own.
 */
export interface AfterTake {
  ctes: string
  result: string
  bindings: Record<string, unknown>
}

/**
 * Every line of a cart in one statement: one `update … where id = ? and stock_qty >= ?` per
 * product (so each is a primary-key lookup whatever the planner thinks of the cart's size), in
 * product-id order, which is the order PostgreSQL runs them in as the union reads them, so two
 * carts sharing products take their row locks in the same order and cannot deadlock. Each row's
 * `stock_qty >= n` is checked on its latest version, so concurrent checkouts never oversell. One
 * text per cart size (and caller): the engine's pg client keeps each prepared.
 */
function takeSql(lines: number, after?: AfterTake): string {
  const takes = Array.from(
    { length: lines },
    (_, i) =>
      `t${i} as (update catalog_products set stock_qty = stock_qty - :take_q${i}, version = version + 1, updated_at = now()
        where id = :take_id${i} and active and stock_qty >= :take_q${i} returning ${TAKEN})`,
  )
  const union = takes.map((_, i) => `select * from t${i}`).join(' union all ')
  return `with ${takes.join(',\n')},
    priced as (select u.*, c.slug as category_slug from (${union}) u left join catalog_categories c on c.id = u.category_id),
    take_complete as (select count(*) = ${lines} as ok from priced)${after ? `,\n${after.ctes}` : ''}
    select (select coalesce(json_agg(priced), '[]') from priced) as taken, ${after ? after.result : 'null'} as after`
}

const GIVE_SQL = `
  update catalog_products set stock_qty = stock_qty + ?, version = version + 1, updated_at = now()
   where id = ? returning ${TAKEN}`

/**
 * Stock and prices for other plugins (orders), inside the caller's transaction. Taking stock is a
 * conditional `update … where stock_qty >= n`, so concurrent checkouts never oversell; rows are
 * locked in product-id order so two checkouts cannot deadlock each other.
 */
export class CatalogStock {
  readonly #events: ScopedEventBus

  constructor({ eventBus }: { eventBus: ScopedEventBus }) {
    this.#events = eventBus
  }

  /**
   * Prices every line from the database and takes its stock. Checks every line, then throws
   * (so the caller's transaction rolls back): CATALOG_PRODUCT_UNAVAILABLE 422,
   * CATALOG_OUT_OF_STOCK 409 (details.lines), CATALOG_CURRENCY_MISMATCH 400.
   */
  async priceAndTake(
    trx: Knex.Transaction,
    lines: StockLine[],
    opts: { currency?: string } = {},
  ): Promise<PricedLine[]> {
    return (await this.priceAndTakeThen(trx, lines, opts)).lines
  }

  /**
   * `priceAndTake`, with the caller's next statement (`after`, e.g. writing the order) in the
   * same round trip: the stock rows are locked for one statement less, and a checkout costs one
   * round trip less. `after`'s result is null when nothing was taken; when the cart was not
   * taken whole, its writes were skipped and the same errors are thrown.
   */
  async priceAndTakeThen<T>(
    trx: Knex.Transaction,
    lines: StockLine[],
    opts: { currency?: string; after?: AfterTake } = {},
  ): Promise<{ lines: PricedLine[]; after: T | null }> {
    const wanted = totals(lines)
    const taken = new Map<string, TakenRow>()
    const short: { productId: string; requested: number; available: number }[] = []
    const unavailable = new Set<string>()
    for (const productId of wanted.keys()) if (!isUuid(productId)) unavailable.add(productId)
    const valid = [...wanted]
      .filter(([productId]) => isUuid(productId))
      .sort(([a], [b]) => a.localeCompare(b))
    let after: T | null = null
    if (valid.length) {
      const bindings: Record<string, unknown> = { ...opts.after?.bindings }
      valid.forEach(([id, quantity], i) => {
        bindings[`take_id${i}`] = id
        bindings[`take_q${i}`] = quantity
      })
      const { rows } = await trx.raw<{ rows: { taken: TakenRow[]; after: T | null }[] }>(
        takeSql(valid.length, opts.after),
        bindings,
      )
      for (const row of rows[0]!.taken) taken.set(row.id, row)
      after = rows[0]!.after
    }
    const missing = valid.filter(([productId]) => !taken.has(productId))
    if (missing.length) {
      // Why a line was not taken: only on the way to an error, so a second query is fine.
      const current = new Map(
        (
          (await trx('catalog_products')
            .whereIn(
              'id',
              missing.map(([id]) => id),
            )
            .select('id', 'active', 'stock_qty')) as {
            id: string
            active: boolean
            stock_qty: number
          }[]
        ).map((r) => [r.id, r]),
      )
      for (const [productId, quantity] of missing) {
        const row = current.get(productId)
        if (!row?.active) unavailable.add(productId)
        else short.push({ productId, requested: quantity, available: row.stock_qty })
      }
    }
    const firstUnavailable = lines.findIndex((l) => unavailable.has(l.productId.toLowerCase()))
    if (firstUnavailable >= 0) {
      throw new OoError(
        'CATALOG_PRODUCT_UNAVAILABLE',
        422,
        `Product ${lines[firstUnavailable]!.productId} does not exist or is not for sale`,
        {
          field: `lines.${firstUnavailable}.productId`,
          details: { productIds: [...unavailable] },
        },
      )
    }
    if (short.length) {
      throw new OoError(
        'CATALOG_OUT_OF_STOCK',
        409,
        `Not enough stock for ${short.length} product(s)`,
        { details: { lines: short } },
      )
    }
    const currencies = new Set([...taken.values()].map((r) => r.currency))
    if (
      (opts.currency && [...currencies].some((c) => c !== opts.currency)) ||
      currencies.size > 1
    ) {
      throw new OoError(
        'CATALOG_CURRENCY_MISMATCH',
        400,
        `The products are priced in ${[...currencies].join(', ')}${opts.currency ? `, not ${opts.currency}` : ''}`,
        {
          field: 'currency',
        },
      )
    }
    for (const row of taken.values()) this.#emit(row)
    const priced = lines.map((line) => {
      const row = taken.get(line.productId.toLowerCase())!
      return {
        productId: row.id,
        name: row.name,
        quantity: line.quantity,
        unitPriceMinor: Number(row.price_minor),
        currency: row.currency,
        categoryId: row.category_id,
        categorySlug: row.category_slug,
        farmerId: row.farmer_id,
      }
    })
    return { lines: priced, after }
  }

  /** Returns stock taken by `priceAndTake` (cancelled or failed orders). Deleted products are skipped. */
  async giveBack(trx: Knex.Transaction, lines: StockLine[]): Promise<void> {
    for (const [productId, quantity] of [...totals(lines)].sort(([a], [b]) => a.localeCompare(b))) {
      if (!isUuid(productId)) continue
      const { rows } = await trx.raw<{ rows: TakenRow[] }>(GIVE_SQL, [quantity, productId])
      if (rows[0]) this.#emit(rows[0])
    }
  }

  #emit(row: TakenRow): void {
    this.#events.emit('catalog.product.updated', {
      productId: row.id,
      slug: row.slug,
      stockQty: row.stock_qty,
      priceMinor: Number(row.price_minor),
      currency: row.currency,
      active: row.active,
      changes: ['stock'],
    })
  }
}

/** Quantity per product (a product may appear on several lines); rejects bad quantities. */
function totals(lines: StockLine[]): Map<string, number> {
  const wanted = new Map<string, number>()
  lines.forEach((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new OoError(
        'OO_VALIDATION_FAILED',
        400,
        `quantity must be a whole number from 1 to ${MAX_QUANTITY}`,
        { field: `lines.${i}.quantity` },
      )
    }
    const id = line.productId.toLowerCase()
    wanted.set(id, (wanted.get(id) ?? 0) + line.quantity)
  })
  return wanted
}
