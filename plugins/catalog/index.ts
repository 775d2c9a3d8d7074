import { asClass, asValue, definePlugin } from '@oo/core'
import { catalogOptions } from './config.js'
import { CatalogStock } from './services/catalog-stock.js'
import './cradle.js'

export default definePlugin({
  name: 'catalog',
  dependsOn: ['tenancy', 'media'],
  options: catalogOptions,
  migrations: new URL('./migrations/', import.meta.url),

  register({ container, options }) {
    container.register({
      catalogOptions: asValue(options),
      catalogStock: asClass(CatalogStock).scoped(),
    })
  },
})
