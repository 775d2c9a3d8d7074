import type { z } from 'zod'

/** Parses input with a zod schema. A failure becomes 400 OO_VALIDATION_FAILED naming the field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return schema.parse(input)
}
