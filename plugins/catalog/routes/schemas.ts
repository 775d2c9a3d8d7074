import { z } from 'zod'

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be lowercase letters, digits and dashes')
const text = (max: number) => z.string().trim().max(max)
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} -]{0,39}$/u, 'tags are words of up to 40 letters')
const isoDate = z.iso.date()
const uuid = z.uuid('must be a uuid')

export const ProductBody = z
  .object({
    name: text(200).min(1),
    slug: slug.optional(),
    description: text(5000).default(''),
    priceMinor: z.number().int().min(0, 'must not be negative').max(1_000_000_000),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like EUR')
      .optional(),
    stockQty: z.number().int().min(0, 'must not be negative').max(10_000_000),
    unit: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9 ]{0,19}$/, 'must be a unit like kg, piece or bunch')
      .default('piece'),
    categoryId: uuid.nullable().default(null),
    tags: z.array(tag).max(20).default([]),
    active: z.boolean().default(true),
    farmerId: uuid.nullable().optional(),
    originFarm: text(200).nullable().optional(),
    originLocation: text(300).nullable().optional(),
    harvestDate: isoDate.nullable().optional(),
    lotCode: text(64).nullable().optional(),
  })
  .strict()
export type ProductBody = z.infer<typeof ProductBody>

/** PUT: every field optional; `imageIds` reorders (and may drop) the product's images. */
export const ProductPatch = ProductBody.partial()
  .extend({
    description: text(5000).optional(),
    unit: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9 ]{0,19}$/)
      .optional(),
    tags: z.array(tag).max(20).optional(),
    active: z.boolean().optional(),
    categoryId: uuid.nullable().optional(),
    imageIds: z.array(uuid).max(50).optional(),
  })
  .strip() // react-admin sends the whole record back (id, images, createdAt…)
export type ProductPatch = z.infer<typeof ProductPatch>

export const ProductFilter = z
  .object({
    id: z.union([uuid, z.array(uuid)]).optional(),
    q: z.string().max(200).optional(),
    categoryId: uuid.optional(),
    farmerId: uuid.optional(),
    active: z.boolean().optional(),
    tag: z.string().max(40).optional(),
  })
  .strict()

export const CategoryBody = z
  .object({
    slug,
    name: text(200).min(1),
    description: text(2000).nullable().default(null),
    position: z.number().int().min(0).max(100_000).default(0),
  })
  .strict()
export type CategoryBody = z.infer<typeof CategoryBody>
export const CategoryPatch = CategoryBody.partial().strip()
export type CategoryPatch = z.infer<typeof CategoryPatch>
export const CategoryFilter = z
  .object({ id: z.union([uuid, z.array(uuid)]).optional(), q: z.string().max(200).optional() })
  .strict()

export const IdParam = z.object({ id: uuid })
export const ImageParam = z.object({ id: uuid, assetId: uuid })

/** A price as people type it ("4.50", "12"), in major units: at most two decimals, never negative. */
const price = z
  .string()
  .trim()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, 'must be a non-negative amount like 4.50')
  .transform((s) => {
    const [whole, frac = ''] = s.split('.')
    return Number(whole) * 100 + Number(frac.padEnd(2, '0'))
  })
const intField = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,8}$/, `${label} must be a whole number ≥ 0`)
    .transform(Number)
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => s || null)
    .optional()

/** The farm marketplace form: `name, price, stock_qty, farmer_id, file` (+ optional details). */
export const UpsertForm = z
  .object({
    id: uuid.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    price: price.optional(),
    stock_qty: intField('stock_qty').optional(),
    farmer_id: z
      .union([uuid, z.literal('')])
      .transform((s) => s || null)
      .optional(),
    description: z.string().trim().max(5000).optional(),
    unit: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9 ]{0,19}$/)
      .optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    category_id: z
      .union([uuid, z.literal('')])
      .transform((s) => s || null)
      .optional(),
    tags: z
      .string()
      .max(1000)
      .transform((s) =>
        s
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(tag).max(20))
      .optional(),
    active: z
      .enum(['true', 'false'])
      .transform((s) => s === 'true')
      .optional(),
    origin_farm: optionalText(200),
    origin_location: optionalText(300),
    harvest_date: z
      .union([isoDate, z.literal('')])
      .transform((s) => s || null)
      .optional(),
    lot_code: optionalText(64),
    alt: z.string().trim().max(300).optional(),
  })
  .strict()
  .superRefine((form, ctx) => {
    if (form.id) return
    for (const field of ['name', 'price', 'stock_qty'] as const) {
      if (form[field] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} is required to create a product`,
        })
    }
  })
export type UpsertForm = z.infer<typeof UpsertForm>

const page = z.coerce.number().int().min(1).max(10_000).default(1)
export const StoreListQuery = z
  .object({
    page,
    perPage: z.coerce.number().int().min(1).max(100).default(24),
    q: z.string().trim().max(200).optional(),
    category: z.string().max(100).optional(),
    tag: z
      .union([z.string().max(40), z.array(z.string().max(40)).max(5)])
      .transform((t) => (Array.isArray(t) ? t : [t]))
      .optional(),
    sort: z.enum(['relevance', 'name', '-name', 'price', '-price', 'newest']).optional(),
  })
  .strict()
export type StoreListQuery = z.infer<typeof StoreListQuery>

export const ImageForm = z.object({ alt: z.string().trim().max(300).optional() }).strict()
