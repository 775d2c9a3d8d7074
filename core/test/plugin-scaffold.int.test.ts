// `oo plugin create`: the scaffold is written to a scratch folder inside the repo (so '@oo/core'
// resolves as it would in plugins/), and its own integration test runs here, as part of this file.
import { readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pluginNames, scaffoldPlugin } from '../src/cli/plugin-scaffold.js'

const SCRATCH = resolve(import.meta.dirname, '../../.oo', `scaffold-${process.pid}-${Date.now()}`)
const DIR = join(SCRATCH, 'gift-cards')
const files = await scaffoldPlugin('gift-cards', DIR)

/** A line of code: not blank, not a comment, not an import (the issue counts what the plugin does). */
const isCode = (line: string) => !/^\s*($|\/\/|\/\*\*|\*|import )/.test(line)

afterAll(() => rm(SCRATCH, { recursive: true, force: true }))

describe('oo plugin create', () => {
  it('writes route, RLS table, model, admin resource, live event and setting in at most 80 lines of code', async () => {
    const code = files.filter((f) => !/\/test\/|README\.md$/.test(f))
    const lines = await Promise.all(
      code.map(async (f) => (await readFile(f, 'utf8')).split('\n').filter(isCode).length),
    )
    expect(lines.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(80)
    const all = (await Promise.all(code.map((f) => readFile(f, 'utf8')))).join('\n')
    expect(all).toContain('createTenantTable')
    expect(all).toContain('extends TenantModel')
    expect(all).not.toMatch(/\bany\b/)
    expect(files.some((f) => f.endsWith('README.md'))).toBe(true)
  })

  it('refuses a bad name and an existing folder', async () => {
    expect(() => pluginNames('Gift_Cards')).toThrow(/kebab-case/)
    await expect(scaffoldPlugin('gift-cards', DIR)).rejects.toThrow(/exists already/)
  })
})

// The scaffolded plugin's own test: boots it, adds a note, sees it live, probes another tenant.
await import(join(DIR, 'test/gift-cards.int.test.ts'))
