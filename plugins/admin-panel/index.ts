import { resolve } from 'node:path'
import { asValue, definePlugin } from '@oo/core'
import { AdminBuilder } from './builder.js'
import { ADMIN_WORKSPACE, adminPanelOptions } from './config.js'
import { adminRoutes } from './routes.js'
import { serveAdminPanel } from './static.js'
import './cradle.js'

export default definePlugin({
  name: 'admin-panel',
  dependsOn: ['tenancy'],
  options: adminPanelOptions,

  register({ container, options, logger }) {
    const dist = resolve(options.dist ?? resolve(ADMIN_WORKSPACE, 'dist'))
    // Not under a test runner: engines that tests spawn with `oo start` must not start builds.
    const autoBuild =
      options.autoBuild ?? (container.cradle.config.mode === 'development' && !process.env.VITEST)
    container.register({ adminPanel: asValue(new AdminBuilder({ dist, autoBuild, logger })) })
  },

  middleware: ({ container }) => [
    serveAdminPanel(container.cradle.adminPanel.dist, () => container.cradle.adminPanel.state),
  ],
  routes: { admin: adminRoutes },

  async start({ container }) {
    await container.cradle.adminPanel.start()
  },

  async stop({ container }) {
    await container.cradle.adminPanel.stop()
  },
})
