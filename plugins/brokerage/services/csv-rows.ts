import { OoError } from '@oo/core'
import type { z } from 'zod'

const LIST_COLUMNS = ['capabilities', 'certifications', 'preferences']
const NUMBER_COLUMNS = ['qualityRating', 'creditLimitMinor', 'paymentTermsDays']

/** A CSV record (all text) as the JSON body the party schema expects, then validated. */
export function parseCsvRow(
  schema: z.ZodType,
  record: Record<string, string>,
  line: number,
): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [column, raw] of Object.entries(record)) {
    const text = raw.replace(/^'(?=[=+\-@])/, '') // the export's formula guard, undone
    if (text === '') continue
    if (LIST_COLUMNS.includes(column))
      body[column] = text
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)
    else if (NUMBER_COLUMNS.includes(column))
      body[column] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text
    else body[column] = text
  }
  const result = schema.safeParse(body)
  if (result.success) return result.data as Record<string, unknown>
  const issue = result.error.issues[0]!
  const column = issue.path.map(String).join('.')
  throw new OoError('BROKERAGE_CSV_INVALID', 400, `Line ${line}, ${column}: ${issue.message}`, {
    field: `csv.line${line}.${column}`,
    details: { line, column, issues: result.error.issues },
  })
}
