import type { DocumentReading, DraftProvider, Vocabulary } from './draft.js'

const LABELS: [keyof Omit<DocumentReading, 'lines' | 'weightUnit'>, RegExp][] = [
  ['plant', /^(?:ship\s*to|deliver\s*to|plant|consignee|destination)\s*[:#-]\s*(.+)$/i],
  ['supplier', /^(?:supplier|vendor|seller|shipper|from)\s*[:#-]\s*(.+)$/i],
  ['carrier', /^(?:carrier|trucking|hauler|trucker)\s*[:#-]\s*(.+)$/i],
  ['pickupDate', /^(?:pick\s*-?\s*up|ship)(?:\s*date)?\s*[:#-]\s*(.+)$/i],
  ['deliveryDate', /^(?:delivery|deliver\s*by|arrival|due)(?:\s*date)?\s*[:#-]\s*(.+)$/i],
]

// "Chuck roll 40,000 lb @ $3.125/lb", "Pork bellies 20000 lbs at 1.89 per lb"
const LINE =
  /^(?<product>[A-Za-z][A-Za-z0-9 &'/.-]*?)\s+(?<weight>\d[\d,]*(?:\.\d+)?)\s*(?<unit>lbs?|kgs?|pounds?|kilos?)\b.*?(?:@|\bat\b)\s*\$?\s*(?<price>\d+(?:\.\d+)?)/i

/** `2026-03-02`, `03/02/2026` (US order) → `2026-03-02`; anything else → null. */
export function isoDate(text: string): string | null {
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(text)
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`
  const us = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(text)
  if (!us) return null
  const [m, d] = [Number(us[1]), Number(us[2])]
  if (m < 1 || m > 12 || d < 1 || d > 31) return null
  return `${us[3]}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** Reads labelled fields and priced lines, line by line. Deterministic: no network, no model. */
export function readByRules(text: string): DocumentReading {
  const reading: DocumentReading = { lines: [] }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/\s+/g, ' ')
    if (!line) continue
    const label = LABELS.find(([, re]) => re.test(line))
    if (label) {
      const [key, re] = label
      const value = re.exec(line)![1]!.trim()
      if (key === 'pickupDate' || key === 'deliveryDate') reading[key] = isoDate(value)
      else reading[key] ??= value
      continue
    }
    const item = LINE.exec(line)?.groups
    if (item) {
      const unit = /^k/i.test(item.unit!) ? 'kg' : 'lb'
      reading.weightUnit ??= unit
      reading.lines.push({
        product: item.product!.trim(),
        weight: Number(item.weight!.replace(/,/g, '')),
        pricePerUnit: Number(item.price),
      })
    }
  }
  return reading
}

export class RulesProvider implements DraftProvider {
  readonly name = 'rules'
  async read(text: string, _vocabulary: Vocabulary): Promise<DocumentReading> {
    return readByRules(text)
  }
}
