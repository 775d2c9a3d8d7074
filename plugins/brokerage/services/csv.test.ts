import { describe, expect, it } from 'vitest'
import { csvField, csvRecords, parseCsv, toCsv } from './csv.js'

describe('party CSV', () => {
  it('round-trips commas, quotes, line breaks and unicode', () => {
    const rows = [{ name: 'Smith, "Prime" Meats', notes: 'line one\nline two', city: 'Zürich' }]
    const text = toCsv(['name', 'notes', 'city'], rows)
    expect(parseCsv(text)).toEqual([
      ['name', 'notes', 'city'],
      ['Smith, "Prime" Meats', 'line one\nline two', 'Zürich'],
    ])
  })

  it('defuses spreadsheet formulas in exported cells', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvField('-5')).toBe("'-5")
    expect(csvField(['halal', 'usda'])).toBe('halal; usda')
  })

  it('reads a header with CRLF, a BOM and blank lines, and names unknown columns', () => {
    const { records, unknownColumns } = csvRecords(
      '\uFEFFname , email,color\r\nAcme,a@x.test,red\r\n\r\n',
      ['name', 'email'],
    )
    expect(records).toEqual([{ name: 'Acme', email: 'a@x.test', color: 'red' }])
    expect(unknownColumns).toEqual(['color'])
  })

  it('reports an unterminated quote with its line', () => {
    expect(() => parseCsv('name\n"Acme\nBeta')).toThrow(/line 2/)
  })
})
