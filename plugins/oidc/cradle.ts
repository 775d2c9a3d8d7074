import type { OidcOptions } from './config.js'
import type { Denylist } from './services/denylist.js'
import type { GuestTokens } from './services/guest-tokens.js'
import type { IssuerRegistry } from './services/issuer-registry.js'
import type { DevIssuer } from './services/dev-issuer.js'
import type { LocalAccounts } from './services/local-accounts.js'
import type { MailOutbox } from './services/mail-outbox.js'
import type { OpenSockets } from './services/open-sockets.js'
import type { RateLimiter } from './services/rate-limiter.js'
import type { SecretStore } from './services/secret-store.js'
import type { SessionStore } from './services/sessions.js'
import type { SignInFailures } from './services/sign-in-failures.js'
import type { SignOut } from './services/sign-out.js'
import type { UserTokens } from './services/user-tokens.js'

declare module '@oo/core' {
  interface Cradle {
    oidcOptions: OidcOptions
    oidcSecrets: SecretStore
    oidcDenylist: Denylist
    /** Engine-issued guest and order tokens (HS256). See plugins/oidc/README.md. */
    guestTokens: GuestTokens
    oidcIssuers: IssuerRegistry
    oidcUserTokens: UserTokens
    oidcSessions: SessionStore
    oidcRateLimiter: RateLimiter
    oidcMail: MailOutbox
    oidcAccounts: LocalAccounts
    oidcSignInFailures: SignInFailures
    oidcOpenSockets: OpenSockets
    /** Ends every session of an identity (reset, change, sign out everywhere). */
    oidcSignOut: SignOut
    /** null when an external issuer is configured. */
    oidcDevIssuer: DevIssuer | null
  }
}
