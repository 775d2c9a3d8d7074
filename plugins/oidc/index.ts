import { asClass, asValue, definePlugin } from '@oo/core'
import { oidcOptions } from './config.js'
import { guestAuthenticator } from './services/bearer.js'
import { Denylist } from './services/denylist.js'
import { GuestTokens } from './services/guest-tokens.js'
import { SecretStore } from './services/secret-store.js'
import './cradle.js'

export default definePlugin({
  name: 'oidc',
  dependsOn: ['tenancy'],
  options: oidcOptions,
  migrations: new URL('./migrations/', import.meta.url),

  register({ container, options }) {
    container.register({
      oidcOptions: asValue(options),
      oidcSecrets: asClass(SecretStore).singleton(),
      oidcDenylist: asClass(Denylist).singleton(),
      guestTokens: asClass(GuestTokens).singleton(),
    })
    container.cradle.authRegistry.add('oidc-guest', guestAuthenticator(container.cradle.guestTokens))
  },

  async start({ container }) {
    await container.cradle.guestTokens.load()
  },
})
