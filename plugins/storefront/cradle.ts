import type { ThemeSites } from './theme-sites.js'

declare module '@oo/core' {
  interface Cradle {
    themeSites: ThemeSites
  }
}
