import type { CatalogOptions } from './config.js'
import type { CatalogStock } from './services/catalog-stock.js'
import type { CategoryService } from './services/category-service.js'
import type { ProductService } from './services/product-service.js'
import type { StoreCache } from './services/store-cache.js'
import type { StoreCatalog } from './services/store-catalog.js'
import type { StorefrontPublisher } from './services/storefront-publisher.js'

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
    storeCache: StoreCache
    storefrontPublisher: StorefrontPublisher
  }
  interface RequestCradle {
    /** Stock and prices for checkouts, inside the caller's transaction. See README. */
    catalogStock: CatalogStock
    productService: ProductService
    categoryService: CategoryService
    storeCatalog: StoreCatalog
  }
  interface EventMap {
    'catalog.product.updated': ProductUpdatedPayload
    'catalog.category.updated': {
      categoryId: string
      slug: string
      change: 'created' | 'updated' | 'deleted'
    }
  }
}
