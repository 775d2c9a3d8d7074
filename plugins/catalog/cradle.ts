import type { CatalogOptions } from './config.js'
import type { CatalogStock } from './services/catalog-stock.js'

/** What `catalog.product.updated` carries: the storefront-visible state after the change. */
export interface ProductUpdatedPayload {
  productId: string
  slug: string
  stockQty: number
  priceMinor: number
  currency: string
  active: boolean
  /** What changed: 'stock' | 'price' | 'active' | 'images' | 'details' | 'created' | 'deleted'. */
  changes: string[]
}

declare module '@oo/core' {
  interface Cradle {
    catalogOptions: CatalogOptions
  }
  interface RequestCradle {
    /** Stock and prices for checkouts, inside the caller's transaction. See README. */
    catalogStock: CatalogStock
  }
  interface EventMap {
    'catalog.product.updated': ProductUpdatedPayload
  }
}
