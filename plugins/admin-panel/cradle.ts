import type { AdminBuilder } from './builder.js'

declare module '@oo/core' {
  interface Cradle {
    /** The built admin panel: where it is, and its background build (admin-panel plugin). */
    adminPanel: AdminBuilder
  }
}
