import { ZodError, type z } from 'zod'

/**
 * Parses input with a zod schema. A failure becomes 400 OO_VALIDATION_FAILED naming the field.
 * `field` names a scalar input that has no path of its own (a header such as Idempotency-Key).
 */
export function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  opts: { field?: string } = {},
): z.output<S> {
  if (!opts.field) return schema.parse(input)
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ZodError(
    result.error.issues.map((issue) => ({ ...issue, path: [opts.field!, ...issue.path] })),
  )
}
