import { createSecretKey } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { signHs256 } from './hs256.js'

const secret = 'a-test-secret-of-reasonable-length-0123456789'
const key = createSecretKey(Buffer.from(secret, 'utf8'))
const jwk = new TextEncoder().encode(secret)
const claims = {
  kind: 'order',
  tid: 't-1',
  sub: 'o-1',
  jti: 'j-1',
  iat: 1_800_000_000,
  exp: 1_800_000_600,
}

describe('signHs256', () => {
  it('signs exactly what jose signs for the same header and claims', async () => {
    const ours = signHs256({ typ: 'JWT', kid: 'k' }, claims, key)
    const theirs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'k' })
      .sign(jwk)
    expect(ours).toBe(theirs)
  })

  it('is accepted by jose, and a token with a changed claim is not', async () => {
    const token = signHs256(
      { typ: 'JWT' },
      { ...claims, exp: Math.floor(Date.now() / 1000) + 60 },
      key,
    )
    const { payload, protectedHeader } = await jwtVerify(token, jwk, { algorithms: ['HS256'] })
    expect(protectedHeader.alg).toBe('HS256')
    expect(payload.sub).toBe('o-1')
    const [h, p, s] = token.split('.')
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'o-2' }),
    ).toString('base64url')
    await expect(jwtVerify(`${h}.${forged}.${s}`, jwk)).rejects.toThrow()
  })
})
