import { asClass, asFunction, asValue, definePlugin, type Cradle } from '@oo/core'
import { catalogOptions } from './config.js'
import { onCategoryUpdated, onProductUpdated } from './events.js'
import { adminRoutes } from './routes/admin.js'
import { storeRoutes } from './routes/store.js'
import { seedDemoCatalogs } from './seed.js'
import { CatalogStock } from './services/catalog-stock.js'
import { CategoryService } from './services/category-service.js'
import { ProductService } from './services/product-service.js'
import { StoreCache } from './services/store-cache.js'
import { StoreCatalog } from './services/store-catalog.js'
import { StorefrontPublisher } from './services/storefront-publisher.js'
import { STOREFRONT, storefrontNamespace } from './sockets/storefront.js'
import './cradle.js'

const EVERY_ROLE = ['owner', 'admin', 'manager', 'staff', 'kitchen', 'readonly'] as const

export default definePlugin({
  name: 'catalog',
  dependsOn: ['tenancy', 'media'],
  options: catalogOptions,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    'catalog.products.read': EVERY_ROLE,
    // Staff (farmers) only their own products: enforced by ProductService.
    'catalog.products.write': ['owner', 'admin', 'manager', 'staff'],
    'catalog.categories.read': EVERY_ROLE,
    'catalog.categories.write': ['owner', 'admin', 'manager'],
  },

  register({ container, options }) {
    container.register({
      catalogOptions: asValue(options),
      // Signed image URLs expire: cached responses must not outlive half their lifetime.
      storeCache: asFunction(
        ({ mediaOptions }: Cradle) =>
          new StoreCache({
            maxEntries: options.storeCacheEntries,
            ttlMs:
              mediaOptions.signedUrlSeconds > 0 ? mediaOptions.signedUrlSeconds * 500 : 300_000,
          }),
      ).singleton(),
      storefrontPublisher: asClass(StorefrontPublisher).singleton(),
      catalogStock: asClass(CatalogStock).scoped(),
      productService: asClass(ProductService).scoped(),
      categoryService: asClass(CategoryService).scoped(),
      storeCatalog: asClass(StoreCatalog).scoped(),
    })
  },

  routes: { admin: adminRoutes, store: storeRoutes },
  events: {
    'catalog.product.updated': onProductUpdated,
    'catalog.category.updated': onCategoryUpdated,
  },
  sockets: { [STOREFRONT]: storefrontNamespace },
  admin: { entry: './admin/index.ts' },

  async seed({ container, step }) {
    await seedDemoCatalogs(container.cradle, step)
  },

  async stop({ container }) {
    container.cradle.storefrontPublisher.close()
  },
})
