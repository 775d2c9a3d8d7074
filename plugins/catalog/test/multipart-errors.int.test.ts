import { request as httpRequest } from 'node:http'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import media from '../../media/index.js'
import tenancy from '../../tenancy/index.js'
import catalog from '../index.js'
import { tempDir, type Shop } from './fixtures.js'

/** Sends a raw body (with its own Content-Length) and reads the answer. */
function rawPost(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  opts: { abortAfterBytes?: number } = {},
): Promise<{ status: number; body: any } | 'aborted'> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      },
    )
    if (opts.abortAfterBytes !== undefined) {
      req.on('error', () => resolve('aborted'))
      req.write(body.subarray(0, opts.abortAfterBytes), () => setTimeout(() => req.destroy(), 50))
      return
    }
    req.on('error', reject)
    req.end(body)
  })
}

describe('multipart upload with a broken body', () => {
  let t: TestApp
  let farm: Shop
  const tmp = tempDir('oo-catalog-multipart-')
  const headers = async () => ({
    host: farm.host,
    authorization: `Bearer ${await t.tokenFor(farm.owner)}`,
    'content-type': 'multipart/form-data; boundary=B',
  })

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), media({ dir: tmp.dir }), catalog()] })
    farm = await t.seedTenant('brokenform')
  })
  afterAll(async () => {
    await t?.close()
    tmp.remove()
  })

  it('answers a body that ends without its closing boundary with 400, and serves the next request', async () => {
    const truncated = Buffer.from(
      '--B\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nxxxx',
    )
    const res = await rawPost(t.url, '/api/v1/admin/products/upsert', await headers(), truncated)
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'OO_MULTIPART_INVALID' } } })
    const fieldOnly = Buffer.from('--B\r\nContent-Disposition: form-data; name="name"\r\n\r\nKale')
    const res2 = await rawPost(t.url, '/api/v1/admin/products/upsert', await headers(), fieldOnly)
    expect(res2).toMatchObject({ status: 400, body: { error: { code: 'OO_MULTIPART_INVALID' } } })
    await t.http.get('/health').expect(200)
  })

  it('survives a client that hangs up in the middle of the file', async () => {
    const body = Buffer.from(
      `--B\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n${'x'.repeat(4000)}`,
    )
    const res = await rawPost(t.url, '/api/v1/admin/products/upsert', await headers(), body, {
      abortAfterBytes: 2000,
    })
    expect(res).toBe('aborted')
    await new Promise((r) => setTimeout(r, 200))
    await t.http.get('/health').expect(200)
    const count = await t
      .as(farm.owner)
      .get('/api/v1/admin/products?range=[0,0]')
      .set('Host', farm.host)
      .expect(200)
    expect(count.headers['content-range']).toMatch(/\/0$/)
  })
})
