import { z } from 'zod'

export const SettingIdParam = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}\.[A-Za-z0-9_]{1,100}$/, 'must be <plugin>.<key>'),
})
export type SettingIdParam = z.infer<typeof SettingIdParam>

// react-admin sends the whole record back on save: the other fields are read-only and dropped.
export const PutSettingBody = z.object({
  value: z.unknown().refine((v) => v !== undefined, 'is required'),
  version: z.number().int().min(0),
  reason: z.string().trim().max(500).optional(),
})
export type PutSettingBody = z.infer<typeof PutSettingBody>

export const RollbackBody = z
  .object({
    toVersion: z.number().int().positive(),
    version: z.number().int().min(0),
    reason: z.string().trim().max(500).optional(),
  })
  .strict()
export type RollbackBody = z.infer<typeof RollbackBody>

export const SettingsFilter = z
  .object({
    id: z.union([z.string(), z.array(z.string())]).optional(),
    scope: z.string().max(63).optional(),
    q: z.string().max(200).optional(),
  })
  .strict()

export function splitId(id: string): { scope: string; key: string } {
  const dot = id.indexOf('.')
  return { scope: id.slice(0, dot), key: id.slice(dot + 1) }
}
