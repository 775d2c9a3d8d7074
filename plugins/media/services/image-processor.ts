import { OoError } from '@oo/core'
import exifReader from 'exif-reader'
import sharp, { type Metadata } from 'sharp'

export type ImageType = 'jpeg' | 'png' | 'webp' | 'avif' | 'heic'

export interface Variant {
  /** File name under the asset's prefix, e.g. `800.webp`. */
  name: string
  format: 'webp' | 'avif'
  width: number
  height: number
  bytes: number
  contentType: string
}

export interface ProcessedImage {
  originalType: ImageType
  width: number
  height: number
  bytes: number
  /** EXIF DateTimeOriginal; the only EXIF that survives. */
  capturedAt: Date | null
  variants: (Variant & { body: Buffer })[]
}

export interface ProcessLimits {
  maxBytes: number
  maxPixels: number
  widths: readonly number[]
  formats: readonly ('webp' | 'avif')[]
}

const CONTENT_TYPES = { webp: 'image/webp', avif: 'image/avif' } as const

/** The type the bytes say, whatever the file is called. */
export function sniffImageType(buf: Buffer): ImageType | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg'
  if (
    buf.length >= 8 &&
    buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png'
  if (
    buf.length >= 12 &&
    buf.toString('latin1', 0, 4) === 'RIFF' &&
    buf.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp'
  if (buf.length >= 16 && buf.toString('latin1', 4, 8) === 'ftyp') {
    const boxSize = Math.min(buf.readUInt32BE(0), buf.length, 256)
    const brands: string[] = [buf.toString('latin1', 8, 12)]
    for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(buf.toString('latin1', i, i + 4))
    if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif'
    if (
      brands.some((b) =>
        ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(b),
      )
    )
      return 'heic'
  }
  return null
}

/** Whether this sharp build can decode HEIC (prebuilt sharp ships AVIF only: no HEVC decoder). */
export function canReadHeic(): boolean {
  return sharp.format.heif.input.fileSuffix?.includes('.heic') ?? false
}

function bad(code: string, status: number, message: string, cause?: unknown): OoError {
  return new OoError(code, status, message, { field: 'file', cause })
}

/** 'YYYY:MM:DD HH:MM:SS', how EXIF writes a date (exif-reader reads it back as UTC). */
function exifDate(date: Date): string {
  const iso = date.toISOString()
  return `${iso.slice(0, 10).replaceAll('-', ':')} ${iso.slice(11, 19)}`
}

function captureTime(exif: Buffer | undefined): Date | null {
  if (!exif) return null
  try {
    const tags = exifReader(exif)
    const taken =
      tags.Photo?.DateTimeOriginal ?? tags.Photo?.DateTimeDigitized ?? tags.Image?.DateTime
    return taken instanceof Date && !Number.isNaN(taken.getTime()) ? taken : null
  } catch {
    return null
  }
}

/** Widths to make: each configured width below the original, plus the original (capped at the largest). */
export function targetWidths(original: number, widths: readonly number[]): number[] {
  const largest = Math.max(...widths)
  const targets = new Set(widths.filter((w) => w < original))
  targets.add(Math.min(original, largest))
  return [...targets].sort((a, b) => a - b)
}

/**
 * Checks an upload by its bytes (type, size, pixel count), then makes the variants. Output
 * carries no EXIF but the capture time: location and device are gone.
 */
export async function processImage(buf: Buffer, limits: ProcessLimits): Promise<ProcessedImage> {
  if (buf.length === 0) throw bad('MEDIA_FILE_EMPTY', 400, 'The file is empty')
  if (buf.length > limits.maxBytes)
    throw bad('MEDIA_FILE_TOO_LARGE', 413, `The file is larger than ${limits.maxBytes} bytes`)
  const type = sniffImageType(buf)
  if (!type)
    throw bad(
      'MEDIA_UNSUPPORTED_TYPE',
      415,
      'The file is not a JPEG, PNG, WebP, AVIF or HEIC image',
    )
  if (type === 'heic' && !canReadHeic())
    throw bad(
      'MEDIA_UNSUPPORTED_TYPE',
      415,
      'HEIC images cannot be read by this server; upload JPEG, PNG, WebP or AVIF',
    )
  let meta: Metadata
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata()
  } catch (err) {
    throw bad('MEDIA_IMAGE_UNREADABLE', 422, 'The image could not be read', err)
  }
  const width = meta.autoOrient?.width ?? meta.width
  const height = meta.autoOrient?.height ?? meta.height
  if (!width || !height) throw bad('MEDIA_IMAGE_UNREADABLE', 422, 'The image has no dimensions')
  if (width * height > limits.maxPixels) {
    throw bad(
      'MEDIA_TOO_MANY_PIXELS',
      413,
      `The image has ${width}×${height} pixels; the limit is ${limits.maxPixels}`,
    )
  }
  const capturedAt = captureTime(meta.exif)
  const exif = capturedAt ? { IFD2: { DateTimeOriginal: exifDate(capturedAt) } } : {}
  try {
    const decoded = sharp(buf, { limitInputPixels: limits.maxPixels, failOn: 'truncated' }).rotate()
    const jobs = targetWidths(width, limits.widths).flatMap((w) =>
      limits.formats.map(async (format) => {
        const pipeline = decoded
          .clone()
          .resize({ width: w, withoutEnlargement: true })
          .withExif(exif)
        const encoded =
          format === 'webp'
            ? pipeline.webp({ quality: 80 })
            : pipeline.avif({ quality: 50, effort: 2 })
        const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
        return {
          name: `${w}.${format}`,
          format,
          width: info.width,
          height: info.height,
          bytes: data.length,
          contentType: CONTENT_TYPES[format],
          body: data,
        }
      }),
    )
    const variants = await Promise.all(jobs)
    return { originalType: type, width, height, bytes: buf.length, capturedAt, variants }
  } catch (err) {
    throw bad(
      'MEDIA_IMAGE_UNREADABLE',
      422,
      `The image is damaged or truncated: ${(err as Error).message}`,
      err,
    )
  }
}
