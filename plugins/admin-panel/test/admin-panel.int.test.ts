import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTestApp, hasChromium, launchChromium, type TestApp } from '@oo/core/testing'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import oidc from '../../oidc/index.js'
import tenancy from '../../tenancy/index.js'
import { buildAdmin, buildStatus } from '../build.js'
import { ADMIN_WORKSPACE } from '../config.js'
import adminPanel from '../index.js'

const DIST = resolve(ADMIN_WORKSPACE, 'dist')
const PASSWORD = 'correct horse battery staple'
const ROOT = 'root@platform.test'
/** Screenshots land here (look at them when changing the UI). */
const SHOTS = process.env.OO_SCREENSHOTS ?? join(tmpdir(), 'oo-admin-screenshots')

type Tenant = Awaited<ReturnType<TestApp['seedTenant']>>

/** The panel is built from the current sources (once; again only when they changed). */
async function ensureBuilt(): Promise<void> {
  if ((await buildStatus(DIST)) === 'fresh') return
  const log: string[] = []
  await buildAdmin(DIST, (line) => log.push(line)).done.catch((err: Error) => {
    throw new Error(`${err.message}\n${log.join('\n')}`)
  })
}

describe('admin panel: serving /admin/', () => {
  let t: TestApp

  beforeAll(async () => {
    await ensureBuilt()
    t = await createTestApp({ plugins: [tenancy(), adminPanel()] })
  }, 240_000)
  afterAll(() => t?.close())

  it('redirects /admin to /admin/ and serves index.html, revalidated, with a CSP', async () => {
    await t.http.get('/admin').expect(301).expect('location', '/admin/')
    const res = await t.http.get('/admin/').expect(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-cache')
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    expect(res.text).toContain('<div id="root">')
    expect(res.text).toMatch(/src="\/admin\/assets\/index-[\w-]+\.js"/)
  })

  it('answers client-side routes with index.html (SPA fallback)', async () => {
    const res = await t.http.get('/admin/projects/create').expect(200)
    expect(res.text).toContain('<div id="root">')
    await t.http.get('/admin/login?returnTo=x').expect(200).expect('content-type', /html/)
  })

  it('serves hashed assets with their content type and a year of immutable cache', async () => {
    const assets = await readdir(join(DIST, 'assets'))
    const js = assets.find((f) => f.endsWith('.js'))!
    const res = await t.http.get(`/admin/assets/${js}`).expect(200)
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    await t.http
      .get(`/admin/assets/${js}`)
      .set('If-Modified-Since', res.headers['last-modified']!)
      .expect(304)
    const head = await t.http.head(`/admin/assets/${js}`).expect(200)
    expect(Number(head.headers['content-length'])).toBeGreaterThan(100)
  })

  it('answers 404 (not HTML) for missing assets and refuses paths outside the build', async () => {
    const res = await t.http.get('/admin/assets/missing-abc123.js').expect(404)
    expect(res.headers['content-type']).not.toMatch(/html/)
    await t.http.get('/admin/%2e%2e/package.json').expect(404)
    await t.http.get('/admin/..%2f..%2fpackage.json').expect(404)
  })

  it('leaves the API alone', async () => {
    await t.http.get('/api/v1/admin/panel/permissions').expect(401)
  })
})

describe('admin panel: no build yet', () => {
  let t: TestApp
  let empty: string

  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'oo-admin-empty-'))
    t = await createTestApp({ plugins: [tenancy(), adminPanel({ dist: empty, autoBuild: false })] })
  })
  afterAll(async () => {
    await t?.close()
    await rm(empty, { recursive: true, force: true })
  })

  it('serves a page that says how to build it', async () => {
    const res = await t.http.get('/admin/members').expect(503)
    expect(res.headers['content-type']).toMatch(/html/)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.text).toContain('npm run build -w admin')
  })
})

// Generous timeouts: a browser, a build and an engine share two cores with the other test files.
describe.skipIf(!hasChromium)(
  'admin panel in Chromium: sign in, lists, create, isolation',
  { timeout: 120_000 },
  () => {
    let t: TestApp
    let pizza: Tenant
    let burger: Tenant
    let origin: string
    let context: BrowserContext
    let page: Page
    const problems: string[] = []

    beforeAll(async () => {
      await ensureBuilt()
      t = await createTestApp({ plugins: [tenancy({ superAdmins: [ROOT] }), oidc(), adminPanel()] })
      pizza = await t.seedTenant('pizza')
      burger = await t.seedTenant('burger')
      origin = `http://${pizza.host}:${new URL(t.url).port}`
      const { cradle } = t.engine.container
      await cradle.oidcAccounts.register({
        email: pizza.owner,
        password: PASSWORD,
        emailVerified: true,
      })
      await cradle.oidcAccounts.register({ email: ROOT, password: PASSWORD, emailVerified: true })
      // Burger's data, which must never show on pizza's panel.
      await cradle.scopes.run(burger.id, async (scope) => {
        await scope.cradle.projectService.create({
          slug: 'burger-secret',
          name: 'Burger secret project',
        })
        await scope.cradle.memberService.add({ email: 'cook@burger.test', role: 'kitchen' })
      })
      await cradle.scopes.run(pizza.id, (scope) =>
        scope.cradle.memberService.add({ email: 'chef@pizza.test', role: 'kitchen' }),
      )
      // Pizza's owner also manages burger: the tenant switcher offers it (on burger's own domain).
      await cradle.scopes.run(burger.id, (scope) =>
        scope.cradle.memberService.add({ email: pizza.owner, role: 'manager' }),
      )
      await mkdir(SHOTS, { recursive: true })
      context = await launchChromium({ viewport: { width: 1280, height: 800 } })
      page = context.pages()[0] ?? (await context.newPage())
      page.setDefaultTimeout(60_000)
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
      page.on('console', (msg) => {
        // The panel's own messages (the issuer's pages are not under test here). HTTP failures are
        // checked by the response listener; the COOP note is Chromium's about plain-http test hosts.
        if (msg.type() !== 'error' || !page.url().startsWith(`${origin}/admin/`)) return
        // react-query also logs the 401 of an ended session, which the panel answers with sign-in.
        if (
          /Failed to load resource: the server responded|Cross-Origin-Opener-Policy header has been ignored|Sign in to use this route/.test(
            msg.text(),
          )
        )
          return
        problems.push(`console: ${msg.text()} ${msg.location().url}`)
      })
      page.on('response', (res) => {
        // The isolation probes below are refused on purpose.
        const probe =
          res.url().includes(burger.id) ||
          res.request().headers()['x-tenant-id'] === burger.id ||
          (res.status() === 403 && res.request().postData()?.includes('not-allowed'))
        // The issuer's own pages ask for /favicon.ico, which the engine does not serve.
        if (
          res.status() >= 400 &&
          res.status() !== 401 &&
          !probe &&
          !res.url().endsWith('/favicon.ico')
        )
          problems.push(`${res.status()} ${res.request().method()} ${res.url()}`)
      })
    }, 240_000)

    /** Signs pizza's owner in again (the issuer may still know them and skip its form). */
    async function signInAgain(): Promise<void> {
      await context.clearCookies()
      await page.goto(`${origin}/admin/`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(/\/oidc\/interaction\/|\/admin\/$/)
      if (page.url().includes('/oidc/interaction/')) {
        await page.getByLabel('Email').fill(pizza.owner)
        await page.getByLabel('Password').fill(PASSWORD)
        await page.getByRole('button', { name: 'Sign in' }).click()
      }
      await page.waitForURL(`${origin}/admin/`)
      await page.getByRole('heading', { name: 'pizza' }).waitFor()
    }

    afterAll(async () => {
      await context?.close()
      await t?.close()
    })

    it('sends a signed-out visitor to the sign-in page', async () => {
      await page.goto(`${origin}/admin/`)
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      expect(new URL(page.url()).pathname).toBe('/admin/login')
      await page.screenshot({ path: join(SHOTS, 'login-desktop.png') })
    })

    it('signs in through the real flow (/auth/login → built-in issuer → callback) and lands on the dashboard', async () => {
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(/\/oidc\/interaction\//)
      await page.getByLabel('Email').fill(pizza.owner)
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${origin}/admin/`)
      await page.getByRole('heading', { name: 'pizza' }).waitFor()
      await expect(
        page.getByRole('button', { name: /Tenant: pizza · owner/ }).isVisible(),
      ).resolves.toBe(true)
    })

    it('lists the tenant (only pizza) and its members (not burger’s)', async () => {
      await page.getByRole('menuitem', { name: 'Tenants' }).click()
      await page.waitForURL(`${origin}/admin/tenants`)
      await page.getByRole('cell', { name: 'pizza.test' }).waitFor()
      expect(await page.getByText('burger.test').count()).toBe(0)
      await page.getByRole('menuitem', { name: 'Members' }).click()
      await page.getByRole('cell', { name: 'chef@pizza.test' }).waitFor()
      await expect(page.getByRole('cell', { name: pizza.owner }).isVisible()).resolves.toBe(true)
      expect(await page.getByText('cook@burger.test').count()).toBe(0)
      await page.screenshot({ path: join(SHOTS, 'members-desktop.png') })
    })

    it('creates a project and sees it listed; burger’s project never appears', async () => {
      await page.getByRole('menuitem', { name: 'Projects' }).click()
      await page.waitForURL(`${origin}/admin/projects`)
      await page.getByRole('link', { name: 'Create' }).click()
      await page.waitForURL(`${origin}/admin/projects/create`)
      await page.getByRole('textbox', { name: 'Name' }).fill('Patio garden')
      await page.getByRole('textbox', { name: 'Slug' }).fill('patio-garden')
      await page.screenshot({ path: join(SHOTS, 'project-create-desktop.png') })
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL(`${origin}/admin/projects`)
      await page.getByRole('cell', { name: 'Patio garden' }).waitFor()
      expect(await page.getByText('Burger secret project').count()).toBe(0)
      // Stored for pizza only (next to the project provisioning made).
      const stored = await t.engine.container.cradle.scopes.run(pizza.id, (scope) =>
        scope.cradle.db.tx((trx) => trx('projects').pluck('slug')),
      )
      expect(stored).toContain('patio-garden')
      expect(stored).not.toContain('burger-secret')
    })

    it('cannot reach burger from pizza’s panel, whatever the page asks', async () => {
      const answers = await page.evaluate(async (burgerId) => {
        const asBurger = await fetch('/api/v1/admin/projects', {
          headers: { 'X-Tenant-ID': burgerId },
        })
        const tenant = await fetch(`/api/v1/admin/tenants/${burgerId}`)
        return [asBurger.status, tenant.status]
      }, burger.id)
      expect(answers).toEqual([403, 404])
    })

    it('is usable at tablet width', async () => {
      await page.setViewportSize({ width: 768, height: 1024 })
      await page.reload()
      await page.getByRole('cell', { name: 'Patio garden' }).waitFor()
      await page.screenshot({ path: join(SHOTS, 'projects-tablet.png') })
      await page.setViewportSize({ width: 1280, height: 800 })
    })

    it('offers the other tenant in the switcher, opening it on its own domain', async () => {
      await page.getByRole('button', { name: /Tenant: pizza/ }).click()
      await page.waitForURL(`${origin}/admin/switch-tenant`)
      const entry = page.getByRole('button', { name: /burger.*manager · burger\.test/ })
      await entry.waitFor()
      await page.screenshot({ path: join(SHOTS, 'switch-tenant-desktop.png') })
      await entry.click()
      // A session belongs to one domain: on burger's, the person signs in again.
      await page.waitForURL(`http://${burger.host}:${new URL(t.url).port}/admin/login`)
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      await page.goto(`${origin}/admin/`)
      await page.getByRole('heading', { name: 'pizza' }).waitFor()
    })

    it('signs out: back to the sign-in page, and the session is gone', async () => {
      await page.getByRole('button', { name: 'Profile' }).click()
      await page.getByRole('menuitem', { name: 'Logout' }).click()
      // The panel then ends the issuer's session too (its end-session page).
      await page.waitForURL(/\/oidc\/session\/end/)
      const cookies = await context.cookies(origin)
      expect(cookies.find((c) => c.name === 'oo_session')).toBeUndefined()
      await t.http.get('/auth/session').set('Host', new URL(origin).host).expect(401)
    })

    it('says "not authorized" and stays signed in when a role loses a permission mid-session (403)', async () => {
      await signInAgain()
      await page.goto(`${origin}/admin/projects/create`)
      await page.getByRole('textbox', { name: 'Name' }).waitFor()
      // Another owner takes over; pizza's owner becomes read-only (applies to the next request).
      await t.engine.container.cradle.scopes.run(pizza.id, async (scope) => {
        const { rows } = await scope.cradle.memberService.list({
          sort: { field: 'email', order: 'asc' },
          range: { start: 0, end: 24 },
          filter: {},
        })
        const chef = rows.find((m) => m.email === 'chef@pizza.test')!
        const owner = rows.find((m) => m.email === pizza.owner)!
        await scope.cradle.memberService.update(chef.id, { role: 'owner' })
        await scope.cradle.memberService.update(owner.id, { role: 'readonly' })
      })
      await page.getByRole('textbox', { name: 'Name' }).fill('Not allowed')
      await page.getByRole('textbox', { name: 'Slug' }).fill('not-allowed')
      const refused = page.waitForResponse(
        (res) => res.url().endsWith('/api/v1/admin/projects') && res.request().method() === 'POST',
      )
      await page.getByRole('button', { name: 'Save' }).click()
      expect((await refused).status()).toBe(403)
      await page.screenshot({ path: join(SHOTS, 'forbidden-desktop.png') })
      await page.getByText("You're not authorized to access this resource.").waitFor()
      expect(new URL(page.url()).pathname).toBe('/admin/projects/create')
      await t.http
        .get('/auth/session')
        .set('Host', new URL(origin).host)
        .set(
          'Cookie',
          (await context.cookies(origin)).map((c) => `${c.name}=${c.value}`).join('; '),
        )
        .expect(200)
    })

    it('goes back to the sign-in page when the session ends under a loaded panel (401)', async () => {
      await signInAgain()
      await context.clearCookies()
      await page.getByRole('menuitem', { name: 'Projects' }).click()
      await page.waitForURL(`${origin}/admin/login`)
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
    })

    it('lets a platform super-admin on the engine address provision a tenant', async () => {
      const engine = t.url.replace(/\/$/, '')
      await context.clearCookies() // no issuer session left from pizza's owner
      await page.goto(`${engine}/admin/`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(/\/oidc\/interaction\//)
      await page.getByLabel('Email').fill(ROOT)
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${engine}/admin/`)
      await page.getByRole('menuitem', { name: 'Tenants' }).click()
      await page.getByRole('cell', { name: 'burger.test' }).waitFor() // every tenant
      await page.getByRole('link', { name: 'Create' }).click()
      await page.waitForURL(`${engine}/admin/tenants/create`)
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Taco Town')
      await page.getByRole('textbox', { name: 'Slug' }).fill('taco')
      await page.getByRole('textbox', { name: 'Host name' }).fill('taco.test')
      await page.getByRole('textbox', { name: 'Owner email' }).fill('owner@taco.test')
      await page.screenshot({ path: join(SHOTS, 'tenant-create-desktop.png') })
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL(/\/admin\/tenants\/[0-9a-f-]{36}\/show$/)
      await page.getByText('taco.test').waitFor()
      expect(await t.engine.container.cradle.tenantDirectory.isVerifiedHost('taco.test')).toBe(true)
    })

    it('ran without page errors or CSP violations', () => {
      expect(problems).toEqual([])
    })
  },
)
