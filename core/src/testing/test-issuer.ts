import {
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose'
import { OoError } from '../errors.js'
import { definePlugin } from '../plugins/define-plugin.js'
import type { Principal } from '../auth/principal.js'

export const TEST_ISSUER = 'urn:oo:test-issuer'
export const TEST_AUDIENCE = 'oo-test'

interface UserDirectoryLike {
  signIn(identity: {
    issuer: string
    subject: string
    email?: string
    name?: string
    emailVerified?: boolean
  }): Promise<{ id: string }>
}

/**
 * A real signing issuer for tests that need signed-in callers before (or without) the oidc
 * plugin: ES256 keys, `jwtVerify` with issuer, audience and expiry checks, identities mapped to
 * platform users just in time through the tenancy plugin's `userDirectory`.
 */
export class TestIssuer {
  #keys?: { privateKey: CryptoKey; publicKey: CryptoKey }

  /**
   * The parent test process's issuer inside a child engine process: verifies tokens with the
   * parent's public key and cannot sign any (signing with a public key fails).
   */
  static async fromPublicJwk(jwk: JWK): Promise<TestIssuer> {
    const issuer = new TestIssuer()
    const publicKey = (await importJWK(jwk, 'ES256')) as CryptoKey
    issuer.#keys = { publicKey, privateKey: publicKey }
    return issuer
  }

  async keys(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
    this.#keys ??= await generateKeyPair('ES256')
    return this.#keys
  }

  async token(claims: {
    sub: string
    email?: string
    name?: string
    expiresIn?: string
  }): Promise<string> {
    const { privateKey } = await this.keys()
    return new SignJWT({ email: claims.email, name: claims.name })
      .setProtectedHeader({ alg: 'ES256', kid: 'test' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? '10m')
      .sign(privateKey)
  }

  async jwks(): Promise<{ keys: object[] }> {
    return {
      keys: [{ ...(await exportJWK((await this.keys()).publicKey)), kid: 'test', alg: 'ES256' }],
    }
  }

  plugin() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the plugin's hooks are plain functions with their own `this`; they need the issuer's
    const issuer = this
    return definePlugin({
      name: 'test-identity',
      dependsOn: ['tenancy'],
      register({ container }) {
        container.cradle.authRegistry.add(
          'test-issuer',
          async ({ bearer }): Promise<Principal | null> => {
            if (!bearer) return null
            const { publicKey } = await issuer.keys()
            let payload
            try {
              ;({ payload } = await jwtVerify(bearer, publicKey, {
                issuer: TEST_ISSUER,
                audience: TEST_AUDIENCE,
                algorithms: ['ES256'],
              }))
            } catch (err) {
              if (
                (err as { code?: string }).code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ||
                (err as { code?: string }).code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ||
                (err as { code?: string }).code === 'ERR_JWT_EXPIRED'
              ) {
                throw new OoError(
                  'OO_TOKEN_INVALID',
                  401,
                  `Token rejected: ${(err as Error).message}`,
                )
              }
              return null
            }
            const users = container.resolve<UserDirectoryLike>('userDirectory')
            const email = typeof payload.email === 'string' ? payload.email : undefined
            const user = await users.signIn({
              issuer: TEST_ISSUER,
              subject: payload.sub!,
              email,
              emailVerified: true,
              name: typeof payload.name === 'string' ? payload.name : undefined,
            })
            return {
              kind: 'user',
              id: user.id,
              issuer: TEST_ISSUER,
              subject: payload.sub!,
              email,
              emailVerified: true, // as told to signIn above: the test issuer vouches for its emails
              superAdmin: false,
            }
          },
        )
      },
    })()
  }
}
