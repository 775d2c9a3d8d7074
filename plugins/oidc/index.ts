import { asClass, asFunction, asValue, definePlugin } from '@oo/core'
import { oidcOptions } from './config.js'
import { adminRoutes } from './routes/admin.js'
import { oidcMiddleware } from './routes/middleware.js'
import { seedDemoAccounts } from './seed.js'
import { bearerAuthenticator } from './services/bearer.js'
import { Denylist } from './services/denylist.js'
import { DevIssuer, devIssuerEnabled } from './services/dev-issuer.js'
import { GuestTokens } from './services/guest-tokens.js'
import { IssuerRegistry } from './services/issuer-registry.js'
import { LocalAccounts } from './services/local-accounts.js'
import { MailOutbox } from './services/mail-outbox.js'
import { OpenSockets } from './services/open-sockets.js'
import { RateLimiter } from './services/rate-limiter.js'
import { SecretStore } from './services/secret-store.js'
import { sessionAuthenticator } from './services/session-auth.js'
import { SessionStore } from './services/sessions.js'
import { SignInFailures } from './services/sign-in-failures.js'
import { SignOut } from './services/sign-out.js'
import { UserTokens } from './services/user-tokens.js'
import './cradle.js'

// Per engine (tests boot several in one process), keyed by the engine's session store.
const purgeTimers = new WeakMap<object, NodeJS.Timeout>()

export default definePlugin({
  name: 'oidc',
  dependsOn: ['tenancy'],
  options: oidcOptions,
  migrations: new URL('./migrations/', import.meta.url),
  // Only super-admins (who hold every permission) read the issuer's mail.
  permissions: { 'oidc.mail.read': [] },

  register({ container, options }) {
    const dev = devIssuerEnabled(options, container.cradle.config.mode)
    container.register({
      oidcOptions: asValue(options),
      oidcSecrets: asClass(SecretStore).singleton(),
      oidcDenylist: asClass(Denylist).singleton(),
      guestTokens: asClass(GuestTokens).singleton(),
      oidcIssuers: asClass(IssuerRegistry).singleton(),
      oidcUserTokens: asClass(UserTokens).singleton(),
      oidcSessions: asClass(SessionStore).singleton(),
      oidcRateLimiter: asClass(RateLimiter).singleton(),
      oidcMail: asClass(MailOutbox).singleton(),
      oidcAccounts: asClass(LocalAccounts).singleton(),
      oidcSignInFailures: asClass(SignInFailures).singleton(),
      oidcOpenSockets: asFunction(() => new OpenSockets(() => container.cradle.io)).singleton(),
      oidcSignOut: asClass(SignOut).singleton(),
      oidcDevIssuer: dev ? asClass(DevIssuer).singleton() : asValue(null),
    })
    const { authRegistry, guestTokens, oidcUserTokens, oidcSessions } = container.cradle
    authRegistry.add('oidc-bearer', bearerAuthenticator(guestTokens, oidcUserTokens))
    authRegistry.add('oidc-session', sessionAuthenticator(oidcSessions, options.session.cookieName))
  },

  middleware: oidcMiddleware,
  routes: { admin: adminRoutes },
  events: {
    // A member's sockets on that shop were let in with the old role (or membership): they end,
    // on every process, and reconnect with what holds now.
    'tenancy.member.changed': async ({ event, scope }) => {
      if (event.tenantId)
        scope.cradle.oidcOpenSockets.ofPrincipal(
          { kind: 'user', id: event.payload.userId },
          event.tenantId,
        )
    },
  },

  async seed({ container, step }) {
    if (container.cradle.oidcDevIssuer) await seedDemoAccounts(container.cradle, step)
    else step('external issuer configured: no local accounts')
  },

  async start({ container }) {
    await container.cradle.guestTokens.load()
    await container.cradle.oidcSessions.purgeExpired()
    const sessions = container.cradle.oidcSessions
    purgeTimers.set(
      sessions,
      setInterval(() => void sessions.purgeExpired().catch(() => undefined), 3_600_000).unref(),
    )
  },

  async stop({ container }) {
    clearInterval(purgeTimers.get(container.cradle.oidcSessions))
    await container.cradle.oidcAccounts.settled()
  },
})
