import { isOoError } from '@oo/core'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { phonePhoto, pngBomb } from '../test/fixtures.js'
import { canReadHeic, processImage, sniffImageType, targetWidths } from './image-processor.js'

const limits = {
  maxBytes: 2_000_000,
  maxPixels: 40_000_000,
  widths: [320, 800, 1600],
  formats: ['webp'] as const,
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  )
  return isOoError(err) ? `${err.status} ${err.code}` : `not an OoError: ${String(err)}`
}

describe('image checks', () => {
  it('knows a type by its bytes, not its name', async () => {
    expect(sniffImageType(await phonePhoto(50, 50))).toBe('jpeg')
    expect(
      sniffImageType(
        await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
          .png()
          .toBuffer(),
      ),
    ).toBe('png')
    expect(
      sniffImageType(
        await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
          .webp()
          .toBuffer(),
      ),
    ).toBe('webp')
    expect(
      sniffImageType(
        await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
          .avif()
          .toBuffer(),
      ),
    ).toBe('avif')
    expect(sniffImageType(Buffer.from('just some text pretending to be a jpg'))).toBeNull()
  })

  it('refuses text, truncated images, oversized files and decompression bombs', async () => {
    expect(await codeOf(processImage(Buffer.from('GIF89a? no, plain text'), limits))).toBe(
      '415 MEDIA_UNSUPPORTED_TYPE',
    )
    const photo = await phonePhoto(900, 600)
    expect(await codeOf(processImage(photo.subarray(0, photo.length >> 1), limits))).toBe(
      '422 MEDIA_IMAGE_UNREADABLE',
    )
    expect(await codeOf(processImage(Buffer.alloc(2_000_001, 0xff), limits))).toBe(
      '413 MEDIA_FILE_TOO_LARGE',
    )
    const bomb = pngBomb()
    expect(bomb.length).toBeLessThan(limits.maxBytes)
    expect(await codeOf(processImage(bomb, limits))).toBe('413 MEDIA_TOO_MANY_PIXELS')
    expect(await codeOf(processImage(Buffer.alloc(0), limits))).toBe('400 MEDIA_FILE_EMPTY')
  })

  it('recognises HEIC by its ftyp box and refuses it when this sharp cannot decode it', async () => {
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from('ftypheic', 'latin1'),
      Buffer.alloc(4),
      Buffer.from('mif1heic', 'latin1'),
      Buffer.alloc(64),
    ])
    expect(sniffImageType(heic)).toBe('heic')
    if (!canReadHeic())
      expect(await codeOf(processImage(heic, limits))).toBe('415 MEDIA_UNSUPPORTED_TYPE')
    else expect(await codeOf(processImage(heic, limits))).toBe('422 MEDIA_IMAGE_UNREADABLE')
  })

  it('never enlarges: small photos get one variant at their own width', () => {
    expect(targetWidths(200, [320, 800, 1600])).toEqual([200])
    expect(targetWidths(1200, [320, 800, 1600])).toEqual([320, 800, 1200])
    expect(targetWidths(4000, [320, 800, 1600])).toEqual([320, 800, 1600])
  })
})
