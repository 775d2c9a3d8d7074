import { createSecretKey, randomInt, randomUUID, webcrypto, type KeyObject } from 'node:crypto'
import { OoError, type Principal } from '@oo/core'
import { jwtVerify } from 'jose'
import type { OidcOptions } from '../config.js'
import type { Denylist } from './denylist.js'
import type { OpenSockets } from './open-sockets.js'
import { signHs256 } from './hs256.js'
import type { SecretStore } from './secret-store.js'
import { assertIssuedInPast, rejected, tokenError } from './token-errors.js'

/** `iss` and `aud` of tokens the engine signs for itself (HS256, never accepted from others). */
export const ENGINE_ISSUER = 'urn:oo:engine'
const SECRET_NAME = 'guest-token-hs256'
const KID = 'oo-guest'

export interface IssueGuestToken {
  tenantId: string
  kind: 'guest' | 'order'
  /** Required for `order` tokens: the token is scoped to this order. */
  orderId?: string
  /** @default options.guestTokenTtlSeconds */
  ttlSeconds?: number
}

export interface IssuedGuestToken {
  token: string
  /** `guest-NNNN` for guests; the order id for order tokens. */
  id: string
  jti: string
  expiresAt: Date
}

/** Short-lived tokens for shoppers and order-status pages: no personal data, revocable by `jti`. */
export class GuestTokens {
  readonly #secrets: SecretStore
  readonly #denylist: Denylist
  readonly #sockets: OpenSockets
  readonly #options: OidcOptions
  /** The one secret in the two forms used: node:crypto signs, jose (WebCrypto) verifies. */
  #keys?: { sign: KeyObject; verify: webcrypto.CryptoKey }

  constructor({
    oidcSecrets,
    oidcDenylist,
    oidcOpenSockets,
    oidcOptions,
  }: {
    oidcSecrets: SecretStore
    oidcDenylist: Denylist
    oidcOpenSockets: OpenSockets
    oidcOptions: OidcOptions
  }) {
    this.#secrets = oidcSecrets
    this.#denylist = oidcDenylist
    this.#sockets = oidcOpenSockets
    this.#options = oidcOptions
  }

  /** Loads (or generates once and persists) the signing secret. Called from the plugin's start(). */
  async load(): Promise<void> {
    const secret = this.#options.tokenSecret ?? (await this.#secrets.getOrCreate(SECRET_NAME))
    // Imported once: jose would import raw key bytes again for every token it checks (an extra
    // WebCrypto job each, a third of a token's cost).
    this.#keys = {
      sign: createSecretKey(Buffer.from(secret, 'utf8')),
      verify: await webcrypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      ),
    }
  }

  async issue(request: IssueGuestToken): Promise<IssuedGuestToken> {
    if (request.kind === 'order' && !request.orderId)
      throw new OoError('OIDC_ORDER_ID_REQUIRED', 400, 'An order token needs the order id', {
        field: 'orderId',
      })
    const ttl = request.ttlSeconds ?? this.#options.guestTokenTtlSeconds
    const id = request.kind === 'order' ? request.orderId! : nextGuestId()
    const jti = randomUUID()
    const now = Math.floor(Date.now() / 1000)
    const expiresAt = new Date((now + ttl) * 1000)
    const token = signHs256(
      { typ: 'JWT', kid: KID },
      {
        kind: request.kind,
        tid: request.tenantId,
        ...(request.orderId ? { oid: request.orderId } : {}),
        iss: ENGINE_ISSUER,
        aud: ENGINE_ISSUER,
        sub: id,
        jti,
        iat: now,
        exp: now + ttl,
      },
      this.#started().sign,
    )
    return { token, id, jti, expiresAt }
  }

  /** Revoked at once, in every process when Redis is configured; its open sockets close too. */
  async revoke(jti: string, expiresAt: Date): Promise<void> {
    await this.#denylist.add(jti, expiresAt)
    this.#sockets.ofToken(jti)
  }

  async verify(token: string): Promise<Principal> {
    let payload
    try {
      ;({ payload } = await jwtVerify(token, this.#started().verify, {
        issuer: ENGINE_ISSUER,
        audience: ENGINE_ISSUER,
        algorithms: ['HS256'],
        clockTolerance: this.#options.clockSkewSeconds,
        requiredClaims: ['jti', 'sub', 'exp'],
      }))
    } catch (err) {
      throw tokenError(err)
    }
    assertIssuedInPast(payload, this.#options.clockSkewSeconds)
    const kind = payload.kind
    if ((kind !== 'guest' && kind !== 'order') || typeof payload.tid !== 'string')
      throw rejected('OIDC_TOKEN_MALFORMED', 'Not a guest or order token')
    if (await this.#denylist.has(payload.jti!))
      throw rejected('OIDC_TOKEN_REVOKED', 'This token has been revoked')
    return {
      kind,
      id: payload.sub!,
      tenantId: payload.tid,
      tokenId: payload.jti,
      superAdmin: false,
      issuer: ENGINE_ISSUER,
      subject: payload.sub!,
    }
  }

  #started(): { sign: KeyObject; verify: webcrypto.CryptoKey } {
    if (!this.#keys)
      throw new OoError('OIDC_NOT_STARTED', 500, 'guestTokens used before the oidc plugin started')
    return this.#keys
  }
}

// Random, not a sequence: issuing must not touch the database (callers may be inside a tx on
// the single-connection embedded database). 10^10 ids keep collisions negligible.
function nextGuestId(): string {
  return `guest-${String(randomInt(0, 10_000_000_000)).padStart(10, '0')}`
}
