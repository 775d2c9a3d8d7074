const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Row ids are UUIDs: checked before an id reaches SQL (or is inlined into it). */
export function isUuid(value: string): boolean {
  return UUID.test(value)
}
