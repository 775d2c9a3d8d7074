import { z } from 'zod'

export const mediaOptions = z
  .object({
    /** Local disk directory for the embedded default driver; defaults to `<data dir>/media`. */
    dir: z.string().optional(),
    /** S3 / MinIO. When set, objects go there instead of local disk. */
    s3: z
      .object({
        /** e.g. `http://127.0.0.1:9000`; the scheme decides TLS. */
        endpoint: z.url(),
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name'),
        accessKey: z.string().min(1),
        secretKey: z.string().min(1),
        region: z.string().default('us-east-1'),
        /** Path-style addressing (MinIO, s3rver); false for virtual-hosted AWS buckets. @default true */
        pathStyle: z.boolean().default(true),
      })
      .optional(),
    /** Largest accepted upload in bytes. @default 15 MiB */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(15 * 1024 * 1024),
    /** Largest accepted width × height (decompression bombs). @default 40 megapixels */
    maxPixels: z.number().int().min(1).default(40_000_000),
    /** Variant widths in px; each is made in every format (never enlarged). */
    widths: z.array(z.number().int().min(16).max(8000)).min(1).default([320, 800, 1600]),
    formats: z
      .array(z.enum(['webp', 'avif']))
      .min(1)
      .default(['webp', 'avif']),
    /** > 0: storefronts get time-limited signed URLs (S3 only) valid this many seconds, instead of engine URLs. */
    signedUrlSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(0),
  })
  .refine((o) => o.signedUrlSeconds === 0 || o.s3, {
    message: 'signedUrlSeconds needs the s3 driver',
    path: ['signedUrlSeconds'],
  })
export type MediaOptions = z.output<typeof mediaOptions>
