import type { Knex } from 'knex'

/** A line priced from the catalog and taken from stock in the caller's transaction. */
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

/**
 * SQL run in the stock take's own statement: CTEs reading the taken lines from `priced` (`id,
 * name, price_minor, currency, category_id, category_slug, farmer_id`), writing only when
 * `(select ok from take_complete)`, and a scalar `result`; named bindings, none starting `take_`.
 */
export interface AfterTake {
  ctes: string
  result: string
  bindings: Record<string, unknown>
}

/** What orders needs from the catalog (scoped cradle key `catalogStock`). */
export interface CatalogStock {
  priceAndTakeThen<T>(
    trx: Knex.Transaction,
    lines: { productId: string; quantity: number }[],
    opts?: { currency?: string; after?: AfterTake },
  ): Promise<{ lines: PricedLine[]; after: T | null }>
  giveBack(trx: Knex.Transaction, lines: { productId: string; quantity: number }[]): Promise<void>
}

/** What orders needs from the identity plugin (root cradle key `guestTokens`). */
export interface GuestTokens {
  issue(input: {
    tenantId: string
    kind: 'guest' | 'order'
    orderId?: string
    ttlSeconds?: number
  }): Promise<{ token: string; expiresAt: Date | string | number }>
}
