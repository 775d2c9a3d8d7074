import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import { OoError, type Database, type ResolvedConfig } from '@oo/core'
import { exportJWK, generateKeyPair } from 'jose'
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider'
import type { OidcOptions } from '../config.js'
import type { IssuerEntry, IssuerRegistry } from './issuer-registry.js'
import type { LocalAccounts } from './local-accounts.js'
import { providerAdapter } from './provider-adapter.js'
import type { SecretStore } from './secret-store.js'

export const DEV_CLIENT_ID = 'oo-engine'
export const DEV_MOUNT = '/oidc'
const SCOPES = 'openid email profile'

/**
 * The built-in development issuer: oidc-provider with local accounts, keys and client secret
 * generated once and stored, state in PostgreSQL. Built on first use, when the engine knows the
 * origin it is reachable at.
 */
export class DevIssuer {
  readonly #options: OidcOptions['devIssuer']
  readonly #config: ResolvedConfig
  readonly #database: Database
  readonly #secrets: SecretStore
  readonly #accounts: LocalAccounts
  readonly #issuers: IssuerRegistry
  // Redirect origins vetted for the request in hand (routes/mount.ts, against the verified
  // domains) before the provider sees it: derived per request, so a removed domain stops at once.
  readonly #vetted = new AsyncLocalStorage<ReadonlySet<string>>()
  #provider?: Promise<Provider>
  #entry?: IssuerEntry

  constructor(deps: {
    oidcOptions: OidcOptions
    config: ResolvedConfig
    database: Database
    oidcSecrets: SecretStore
    oidcAccounts: LocalAccounts
    oidcIssuers: IssuerRegistry
  }) {
    this.#options = deps.oidcOptions.devIssuer
    this.#config = deps.config
    this.#database = deps.database
    this.#secrets = deps.oidcSecrets
    this.#accounts = deps.oidcAccounts
    this.#issuers = deps.oidcIssuers
  }

  /** The provider; `localPort` (of the request that needs it) names the origin when no publicUrl is set. */
  provider(localPort: number): Promise<Provider> {
    this.#provider ??= this.#build(localPort).catch((err: unknown) => {
      this.#provider = undefined
      throw err
    })
    return this.#provider
  }

  /** Runs the provider for one request, allowing redirects to `origins` (and its own origin). */
  withVettedOrigins<T>(origins: ReadonlySet<string>, fn: () => T): T {
    return this.#vetted.run(origins, fn)
  }

  /** Its entry in the issuer registry (for browser sign-in), building the provider if needed. */
  async entry(localPort: number): Promise<IssuerEntry> {
    await this.provider(localPort)
    return this.#entry!
  }

  /**
   * Where the issuer is reached: `publicUrl` (OO_PUBLIC_URL), else the address the engine
   * listens on. Links in its mail point here, never at a request's Host.
   */
  origin(localPort: number): string {
    const host = ['0.0.0.0', '::', ''].includes(this.#config.http.host)
      ? 'localhost'
      : this.#config.http.host
    return (this.#options.publicUrl ?? `http://${host}:${localPort}`).replace(/\/$/, '')
  }

  /** Its `iss`. */
  issuerUrl(localPort: number): string {
    return `${this.origin(localPort)}${DEV_MOUNT}`
  }

  async #build(localPort: number): Promise<Provider> {
    const origin = this.origin(localPort)
    const issuer = this.issuerUrl(localPort)
    const [jwks, cookieKey, clientSecret] = await Promise.all([
      this.#secrets.getOrCreate('dev-issuer-jwks', generateJwks),
      this.#secrets.getOrCreate('dev-issuer-cookie-key'),
      this.#secrets.getOrCreate('dev-issuer-client-secret'),
    ])
    const audience = this.#options.audience
    const provider = new Provider(
      issuer,
      providerConfiguration({
        origin,
        audience,
        clientSecret,
        cookieKey,
        jwks: JSON.parse(jwks) as { keys: object[] },
        database: this.#database,
        accounts: this.#accounts,
      }),
    )
    provider.proxy = this.#config.http.trustProxy
    const vetted = (uri: string) => {
      try {
        const target = new URL(uri).origin
        return target === origin || !!this.#vetted.getStore()?.has(target)
      } catch {
        return false
      }
    }
    provider.Client.prototype.redirectUriAllowed = (uri: string) =>
      vetted(uri) && new URL(uri).pathname === '/auth/callback'
    provider.Client.prototype.postLogoutRedirectUriAllowed = vetted
    this.#entry = this.#issuers.add({
      issuer,
      audience,
      clientId: DEV_CLIENT_ID,
      clientSecret,
      scopes: SCOPES.split(' '),
      algorithms: ['ES256', 'RS256'],
      claims: { email: 'email', name: 'name', roles: 'groups' },
      roleMap: {},
      superAdminValues: [],
      trustEmailVerified: true,
    })
    return provider
  }
}

/** oidc-provider settings: one confidential first-party client, PKCE, JWT access tokens for `audience`. */
function providerConfiguration(opts: {
  origin: string
  audience: string
  clientSecret: string
  cookieKey: string
  jwks: { keys: object[] }
  database: Database
  accounts: LocalAccounts
}): Configuration {
  const { origin, audience, clientSecret, cookieKey, jwks, database, accounts } = opts
  return {
    adapter: providerAdapter(database),
    clients: [
      {
        client_id: DEV_CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [`${origin}/auth/callback`],
        post_logout_redirect_uris: [`${origin}/`],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks,
    cookies: { keys: [cookieKey], long: { sameSite: 'lax' }, short: { sameSite: 'lax' } },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    interactions: { url: (_ctx, interaction) => `${DEV_MOUNT}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: SCOPES,
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    ttl: {
      AccessToken: 3600,
      IdToken: 3600,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    // Our own backend is the only client: consent is implied.
    loadExistingGrant: (ctx) => firstPartyGrant(ctx, audience),
    // Access tokens are what the API sees: they carry the email, so a bearer maps to the same user.
    extraTokenClaims: async (_ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId
      const account =
        token.kind === 'AccessToken' && accountId ? await accounts.byId(accountId) : undefined
      return account
        ? {
            email: account.email,
            email_verified: account.emailVerified,
            name: account.name ?? undefined,
          }
        : undefined
    },
    findAccount: async (_ctx, id) => {
      const account = await accounts.byId(id)
      if (!account) return undefined
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name ?? undefined,
        }),
      }
    },
  }
}

async function firstPartyGrant(ctx: KoaContextWithOIDC, audience: string) {
  const { oidc } = ctx
  const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId)
  if (grantId) {
    const existing = await oidc.provider.Grant.find(grantId)
    if (existing) return existing
  }
  const grant = new oidc.provider.Grant({
    clientId: oidc.client!.clientId,
    accountId: oidc.session!.accountId,
  })
  grant.addOIDCScope(SCOPES)
  grant.addResourceScope(audience, SCOPES)
  await grant.save()
  return grant
}

async function generateJwks(): Promise<string> {
  const es = await generateKeyPair('ES256', { extractable: true })
  const rs = await generateKeyPair('RS256', { extractable: true })
  const kid = randomBytes(6).toString('hex')
  return JSON.stringify({
    keys: [
      { ...(await exportJWK(es.privateKey)), kid: `es-${kid}`, alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(rs.privateKey)), kid: `rs-${kid}`, alg: 'RS256', use: 'sig' },
    ],
  })
}

/** Whether this engine serves the development issuer; fails boot where it must not. */
export function devIssuerEnabled(options: OidcOptions, mode: ResolvedConfig['mode']): boolean {
  const enabled = options.devIssuer.enabled ?? options.issuers.length === 0
  if (enabled && mode === 'production' && !options.devIssuer.allowInProduction) {
    throw new OoError(
      'OIDC_DEV_ISSUER_IN_PRODUCTION',
      500,
      'oidc: the built-in development issuer is refused in production. Configure `issuers`, or set devIssuer.allowInProduction.',
    )
  }
  return enabled
}
