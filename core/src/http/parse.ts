import { ZodError, type z } from 'zod'
import { assertStorableInput } from './input-guard.js'

/**
 * Parses input with a zod schema. A failure becomes 400 OO_VALIDATION_FAILED naming the field.
 * `field` names a scalar input that has no path of its own (a header such as Idempotency-Key).
 * Strings PostgreSQL cannot store (NUL, lone surrogates) fail here too, whatever the schema says:
 * multipart fields and headers other than the few the input guard reads come here unchecked.
 */
export function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  opts: { field?: string } = {},
): z.output<S> {
  assertStorableInput(input, opts.field ? [opts.field] : [])
  if (!opts.field) return schema.parse(input)
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ZodError(
    result.error.issues.map((issue) => ({ ...issue, path: [opts.field!, ...issue.path] })),
  )
}
