import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findAdminEntries } from '../../../admin/vite/oo-admin-plugin.js'

const fixture = fileURLToPath(new URL('./fixtures/oo.config.fixture.ts', import.meta.url))
const tenancyEntry = fileURLToPath(new URL('../../tenancy/admin/index.ts', import.meta.url))

describe('virtual:oo-admin entries from oo.config.ts', () => {
  it('resolves each plugin’s admin.entry relative to its folder and skips missing ones with a warning', async () => {
    const warnings: string[] = []
    const entries = await findAdminEntries(fixture, (m) => warnings.push(m))
    expect(entries).toEqual([{ plugin: 'tenancy', file: tenancyEntry }])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /plugin "late-plugin": admin entry .*late-plugin\/admin\/index\.ts does not exist yet: skipped/,
    )
  }, 30_000)

  it('finds the tenancy resources in the real composition root', async () => {
    const entries = await findAdminEntries(
      fileURLToPath(new URL('../../../oo.config.ts', import.meta.url)),
      () => undefined,
    )
    expect(entries.map((e) => e.plugin)).toContain('tenancy')
  }, 30_000)
})
