// RFC 4180 CSV, enough for party import/export: quoted fields, doubled quotes, CRLF or LF.

/** One CSV field: quoted when it holds a comma, quote or line break; formula-looking text is
 * prefixed with `'` so a spreadsheet opening the export does not run it (CSV injection). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = Array.isArray(value) ? value.join('; ') : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function toCsv(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): string {
  const lines = [
    columns.join(','),
    ...rows.map((r) => columns.map((c) => csvField(r[c])).join(',')),
  ]
  return `${lines.join('\r\n')}\r\n`
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

/** Rows of fields. Throws CsvSyntaxError (with the 1-based line) on an unterminated quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let quoteLine = 1
  const s = text.replace(/^\uFEFF/, '')
  const endField = () => {
    row.push(field)
    field = ''
  }
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else {
        if (ch === '\n') line++
        field += ch
      }
    } else if (ch === '"' && field === '') {
      quoted = true
      quoteLine = line
    } else if (ch === ',') endField()
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++
      endField()
      rows.push(row)
      row = []
      line++
    } else field += ch
  }
  if (quoted)
    throw new CsvSyntaxError(`Unterminated quoted field from line ${quoteLine}`, quoteLine)
  if (field !== '' || row.length) {
    endField()
    rows.push(row)
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''))
}

/** Header row → objects keyed by column name (trimmed); unknown columns are reported. */
export function csvRecords(
  text: string,
  known: readonly string[],
): { records: Record<string, string>[]; unknownColumns: string[] } {
  const [header, ...rows] = parseCsv(text)
  if (!header) return { records: [], unknownColumns: [] }
  const names = header.map((h) => h.trim())
  return {
    unknownColumns: names.filter((n) => !known.includes(n)),
    records: rows.map((fields) =>
      Object.fromEntries(names.map((n, i) => [n, (fields[i] ?? '').trim()])),
    ),
  }
}
