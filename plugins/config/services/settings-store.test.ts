import type { Database, Logger } from '@oo/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { SettingsStore } from './settings-store.js'

// Nothing here touches the database: construction, validation and defaults are pure.
const deps = (schemas: [string, z.ZodType][]) => ({
  database: {} as Database,
  logger: { error: () => undefined, warn: () => undefined } as unknown as Logger,
  settingsSchemas: new Map(schemas),
})

const kitchen = z.object({
  warnMinutes: z.number().min(1).max(120).default(5),
  stations: z.array(z.object({ id: z.string().regex(/^[a-z]+$/) })).default([]),
})

describe('SettingsStore', () => {
  it('fails at boot on a settings schema that is not an object, or has a key without a default', () => {
    expect(() => new SettingsStore(deps([['odd', z.string().default('x')]]))).toThrow(
      /must be a z.object/,
    )
    expect(() => new SettingsStore(deps([['strict', z.object({ url: z.url() })]]))).toThrow(
      /needs a default/,
    )
  })

  it('serves schema defaults, frozen, for a tenant that stored nothing', () => {
    const store = new SettingsStore(deps([['kitchen', kitchen]]))
    const value = store.read('00000000-0000-4000-8000-000000000000', 'kitchen')
    expect(value).toEqual({ warnMinutes: 5, stations: [] })
    expect(Object.isFrozen(value)).toBe(true)
    expect(store.isSet('00000000-0000-4000-8000-000000000000', 'kitchen', 'warnMinutes')).toBe(
      false,
    )
    expect(() => store.read('00000000-0000-4000-8000-000000000000', 'nobody')).toThrow(
      /No plugin named "nobody"/,
    )
  })

  it('names the offending field, nested paths included', () => {
    const store = new SettingsStore(deps([['kitchen', kitchen]]))
    expect(() => store.validate('kitchen', { warnMinutes: 500 })).toThrow(
      expect.objectContaining({ status: 400, field: 'warnMinutes' }),
    )
    expect(() =>
      store.validate('kitchen', { stations: [{ id: 'grill' }, { id: 'Bad Id' }] }),
    ).toThrow(expect.objectContaining({ field: 'stations.1.id' }))
    expect(store.validate('kitchen', { warnMinutes: 7 })).toEqual({ warnMinutes: 7, stations: [] })
  })
})
