import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { Browser } from './fixtures/browser.js'
import { loginForm } from './fixtures/dev-sign-in.js'

const PASSWORD = 'the real password'

/**
 * Median wall times (ms) of two requests, timed in turns so that load from elsewhere on the
 * machine falls on both alike.
 */
async function medianPair(
  n: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []]
  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now()
    await fn()
    return performance.now() - started
  }
  for (let i = 0; i < n; i++) {
    times[0].push(await timed(() => a(i)))
    times[1].push(await timed(() => b(i)))
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
  return [median(times[0]), median(times[1])]
}

describe('answers that do not tell whether an account exists', () => {
  let t: TestApp
  const figures: Record<string, number> = {}
  const mail = async (to: string) => {
    await t.engine.container.cradle.oidcAccounts.settled()
    return t.engine.container.cradle.oidcMail.list(to)
  }

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [
        tenancy(),
        oidc({
          rateLimits: {
            registerPerIp: { limit: 100, windowSeconds: 60 },
            passwordResetPerIp: { limit: 100, windowSeconds: 60 },
            passwordResetPerUser: { limit: 100, windowSeconds: 60 },
          },
        }),
      ],
    })
    await t.engine.container.cradle.oidcAccounts.register({
      email: 'known@shop.test',
      password: PASSWORD,
      emailVerified: true,
    })
  })
  afterAll(async () => {
    await t?.close()
    console.info('account answers (median ms):', JSON.stringify(figures))
  })

  it('answers a registration the same for a new address and a known one', async () => {
    const register = (email: string) =>
      t.http.post('/oidc/register').send({ email, password: 'some other password' })
    const fresh = await register('fresh@shop.test')
    const known = await register('known@shop.test')
    expect(known.status).toBe(fresh.status)
    expect(known.body).toEqual(fresh.body)
    expect(fresh.status).toBe(202)
    // The known address's owner is told, and keeps the password.
    expect((await mail('known@shop.test'))[0]!.subject).toBe('You already have an account')
    await expect(
      t.engine.container.cradle.oidcAccounts.authenticate('known@shop.test', PASSWORD),
    ).resolves.toMatchObject({ email: 'known@shop.test' })
    expect((await mail('fresh@shop.test'))[0]!.subject).toBe('Confirm your email')

    ;[figures.registerNew, figures.registerKnown] = await medianPair(
      7,
      (i) => register(`new-${i}@shop.test`).expect(202),
      () => register('known@shop.test').expect(202),
    )
    // Both hash the password they were sent: the argon2 work, not the account, sets the time
    // (loose bounds: other test runs share this machine).
    expect(figures.registerKnown / figures.registerNew).toBeGreaterThan(0.2)
    expect(figures.registerKnown / figures.registerNew).toBeLessThan(5)
  })

  it('answers a password reset the same for a known and an unknown address, links on the public URL', async () => {
    const reset = (email: string) =>
      t.http.post('/oidc/password-reset').set('Host', 'evil.example').send({ email })
    const known = await reset('known@shop.test')
    const unknown = await reset('nobody@shop.test')
    expect([known.status, known.body]).toEqual([unknown.status, unknown.body])
    const [resetMail] = await mail('known@shop.test')
    expect(resetMail!.subject).toBe('Reset your password')
    expect(resetMail!.body).not.toContain('evil.example')
    expect(resetMail!.body).toContain(`${t.url}/oidc/password-reset/confirm?token=`)
    expect(await mail('nobody@shop.test')).toEqual([])

    ;[figures.resetKnown, figures.resetUnknown] = await medianPair(
      7,
      () => reset('known@shop.test').expect(202),
      () => reset('nobody@shop.test').expect(202),
    )
    await t.engine.container.cradle.oidcAccounts.settled()
  })

  it('mails the verification link on the public URL, whatever Host the request named', async () => {
    await t.http
      .post('/oidc/register')
      .set('Host', 'evil.example')
      .send({ email: 'hosted@shop.test', password: 'long enough password' })
      .expect(202)
    const [verification] = await mail('hosted@shop.test')
    expect(verification!.body).not.toContain('evil.example')
    expect(verification!.body).toContain(`${t.url}/oidc/verify-email?token=`)
  })

  it('locks a known and an unknown address alike after 5 failed sign-ins', async () => {
    const answers = async (email: string) => {
      const browser = new Browser()
      const action = await loginForm(t.url, browser)
      const codes: string[] = []
      for (let i = 0; i < 6; i++) {
        const res = await browser.send(action, { form: { email, password: 'wrong' } })
        codes.push(`${res.status} ${res.headers['x-oo-error']}`)
      }
      return codes
    }
    const known = await answers('known@shop.test')
    expect(known).toEqual(await answers('ghost@shop.test'))
    expect(known).toEqual([...Array(5).fill('401 OIDC_BAD_CREDENTIALS'), '423 OIDC_ACCOUNT_LOCKED'])
    // Locked means locked: the right password is refused too, until a reset.
    const browser = new Browser()
    const right = await browser.send(await loginForm(t.url, browser), {
      form: { email: 'known@shop.test', password: PASSWORD },
    })
    expect(right.status).toBe(423)
  })
})

describe('account mail with OO_PUBLIC_URL', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), oidc({ devIssuer: { publicUrl: 'https://id.shop.example' } })],
    })
    await t.engine.container.cradle.oidcAccounts.register({
      email: 'known@shop.test',
      password: PASSWORD,
      emailVerified: true,
    })
  })
  afterAll(() => t?.close())

  it('links to the configured public URL', async () => {
    await t.http
      .post('/oidc/password-reset')
      .set('Host', 'evil.example')
      .send({ email: 'known@shop.test' })
      .expect(202)
    await t.engine.container.cradle.oidcAccounts.settled()
    const [resetMail] = await t.engine.container.cradle.oidcMail.list('known@shop.test')
    expect(resetMail!.body).toContain('https://id.shop.example/oidc/password-reset/confirm?token=')
  })
})
