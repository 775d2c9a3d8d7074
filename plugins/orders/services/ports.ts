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

/** What orders needs from the catalog (scoped cradle key `catalogStock`). */
export interface CatalogStock {
  priceAndTake(
    trx: Knex.Transaction,
    lines: { productId: string; quantity: number }[],
    opts?: { currency?: string },
  ): Promise<PricedLine[]>
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
