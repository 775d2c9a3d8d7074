import { z } from 'zod'

/** What a provider read off a document: names and numbers as written, before any matching. */
export const DocumentReading = z.object({
  supplier: z.string().max(200).nullish(),
  plant: z.string().max(200).nullish(),
  carrier: z.string().max(200).nullish(),
  pickupDate: z.iso.date().nullish(),
  deliveryDate: z.iso.date().nullish(),
  weightUnit: z.enum(['lb', 'kg']).nullish(),
  lines: z
    .array(
      z.object({
        product: z.string().min(1).max(200),
        weight: z.number().positive(),
        /** Currency units per unit of weight, as printed ($3.125/lb → 3.125). */
        pricePerUnit: z.number().min(0),
      }),
    )
    .max(200),
})
export type DocumentReading = z.infer<typeof DocumentReading>

/** The tenant's names a draft may point at, from the purchase-order desk. */
export interface Vocabulary {
  suppliers: Named[]
  plants: Named[]
  carriers: Named[]
  productTypes: Named[]
}
export interface Named {
  id: string
  name: string
}

/** A draft purchase order for the user to review: ids where a name matched, warnings where not. */
export const DraftPurchaseOrder = z.object({
  supplierId: z.uuid().nullable(),
  plantId: z.uuid().nullable(),
  carrierId: z.uuid().nullable(),
  pickupDate: z.iso.date().nullable(),
  deliveryDate: z.iso.date().nullable(),
  weightUnit: z.enum(['lb', 'kg']),
  lines: z
    .array(
      z.object({
        productTypeId: z.uuid().nullable(),
        productName: z.string().max(200),
        weight: z.number().positive(),
        pricePerUnitMinor: z.number().min(0),
      }),
    )
    .max(200),
  warnings: z.array(z.string().max(500)).max(100).default([]),
})
export type DraftPurchaseOrder = z.infer<typeof DraftPurchaseOrder>

/** Turns document text into what it says; the rules provider and the LLM provider both do. */
export interface DraftProvider {
  readonly name: string
  read(text: string, vocabulary: Vocabulary): Promise<DocumentReading>
}

const normal = (s: string) =>
  s
    .toLowerCase()
    .replace(/\b(inc|llc|ltd|co|corp|company)\b\.?/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

/** The one entry whose name matches: exactly (normalised), else the only one containing it or contained in it. */
export function matchName(name: string | null | undefined, entries: Named[]): Named | null {
  if (!name?.trim()) return null
  const wanted = normal(name)
  const exact = entries.find((e) => normal(e.name) === wanted)
  if (exact) return exact
  const close = entries.filter((e) => {
    const have = normal(e.name)
    return have && wanted && (have.includes(wanted) || wanted.includes(have))
  })
  return close.length === 1 ? close[0]! : null
}

/** Matches a reading's names against the tenant's and prices the lines in cents. */
export function draftFrom(reading: DocumentReading, vocabulary: Vocabulary): DraftPurchaseOrder {
  const warnings: string[] = []
  const pick = (label: string, name: string | null | undefined, entries: Named[]) => {
    const hit = matchName(name, entries)
    if (!hit)
      warnings.push(
        name ? `No ${label} named "${name}": pick one` : `The document names no ${label}`,
      )
    return hit?.id ?? null
  }
  const lines = reading.lines.map((line) => {
    const product = matchName(line.product, vocabulary.productTypes)
    if (!product) warnings.push(`No product type named "${line.product}": pick one`)
    return {
      productTypeId: product?.id ?? null,
      productName: line.product,
      weight: line.weight,
      pricePerUnitMinor: Math.round(line.pricePerUnit * 100 * 10_000) / 10_000,
    }
  })
  if (!lines.length) warnings.push('No lines found: add them')
  return {
    supplierId: pick('supplier', reading.supplier, vocabulary.suppliers),
    plantId: pick('plant', reading.plant, vocabulary.plants),
    carrierId: reading.carrier ? pick('carrier', reading.carrier, vocabulary.carriers) : null,
    pickupDate: reading.pickupDate ?? null,
    deliveryDate: reading.deliveryDate ?? null,
    weightUnit: reading.weightUnit ?? 'lb',
    lines,
    warnings,
  }
}
