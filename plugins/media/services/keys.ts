/** Objects of an asset live under `t/<tenant id>/<asset id>/<variant file>`: per tenant, S3-safe. */
export function assetPrefix(tenantId: string, assetId: string): string {
  return `t/${tenantId}/${assetId}/`
}

export const VARIANT_FILE = /^\d{1,5}\.(webp|avif)$/
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** `t/<tenant>/<asset>/<file>` → its parts, or null for keys that are not ours. */
export function parseKey(key: string): { tenantId: string; assetId: string; file: string } | null {
  const [t, tenantId, assetId, file, ...rest] = key.split('/')
  if (
    t !== 't' ||
    rest.length ||
    !tenantId ||
    !assetId ||
    !file ||
    !UUID.test(tenantId) ||
    !UUID.test(assetId)
  )
    return null
  return { tenantId, assetId, file }
}
