import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import type { TestApp } from '@oo/core/testing'
import sharp from 'sharp'

export type Shop = Awaited<ReturnType<TestApp['seedTenant']>>

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A harvest photo with device, GPS and capture time in its EXIF. */
export function harvestPhoto(width = 900, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 40 } } })
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'FarmPhone', Model: 'Harvest X1' },
      IFD2: { DateTimeOriginal: '2025:06:01 07:15:30' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 8/1 30/1' },
    })
    .toBuffer()
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid 1-bit PNG of 20000×20000 pixels that weighs a few dozen KB: a decompression bomb. */
export function pngBomb(width = 20_000, height = 20_000): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([1, 0, 0, 0, 0], 8)
  const rows = Buffer.alloc((Math.ceil(width / 8) + 1) * height)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** Adds a member through the tenancy admin API; returns their user id. */
export async function addMember(
  t: TestApp,
  shop: Shop,
  email: string,
  role: string,
): Promise<string> {
  const res = await t
    .as(shop.owner)
    .post('/api/v1/admin/members')
    .set('Host', shop.host)
    .send({ email, role })
  if (res.status !== 201)
    throw new Error(`adding ${email}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.userId as string
}

/** A throwaway S3-protocol server (s3rver) on loopback with a random port. */
export async function startS3(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const { default: S3rver } = await import('s3rver')
  const directory = mkdtempSync(join(tmpdir(), 'oo-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory })
  const { port } = await server.run()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
