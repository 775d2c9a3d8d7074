import { asClass, asValue, definePlugin } from '@oo/core'
import { oidcOptions } from './config.js'
import { bearerAuthenticator } from './services/bearer.js'
import { Denylist } from './services/denylist.js'
import { GuestTokens } from './services/guest-tokens.js'
import { IssuerRegistry } from './services/issuer-registry.js'
import { SecretStore } from './services/secret-store.js'
import { UserTokens } from './services/user-tokens.js'
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
      oidcIssuers: asClass(IssuerRegistry).singleton(),
      oidcUserTokens: asClass(UserTokens).singleton(),
    })
    const { authRegistry, guestTokens, oidcUserTokens } = container.cradle
    authRegistry.add('oidc-bearer', bearerAuthenticator(guestTokens, oidcUserTokens))
  },

  async start({ container }) {
    await container.cradle.guestTokens.load()
  },
})
