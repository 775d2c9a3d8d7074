import { asValue, definePlugin } from '@oo/core'
import { storefrontOptions, THEMES_DIR } from './config.js'
import { serveStorefront } from './middleware.js'
import { ThemeSites } from './theme-sites.js'
import './cradle.js'

export default definePlugin({
  name: 'storefront',
  dependsOn: ['tenancy'],
  options: storefrontOptions,

  register({ container, options, logger }) {
    const autoBuild = options.autoBuild ?? container.cradle.config.mode === 'development'
    container.register({
      themeSites: asValue(
        new ThemeSites({ dir: options.themesDir ?? THEMES_DIR, autoBuild, logger }),
      ),
    })
  },

  middleware: ({ container }) => [serveStorefront(container.cradle.themeSites)],

  async start({ container }) {
    container.cradle.themeSites.start()
  },

  async stop({ container }) {
    container.cradle.themeSites.stop()
  },
})
