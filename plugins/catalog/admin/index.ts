// react-admin resources of the catalog plugin (admin.entry in ../index.ts), loaded by the admin
// panel through `virtual:oo-admin`. Farmers (staff) see only their own products: the API filters.
import type { AdminResource } from '@oo/admin/plugin-api'
import { categories } from './categories.tsx'
import { products } from './products.tsx'

const resources: AdminResource[] = [products, categories]
export default resources
