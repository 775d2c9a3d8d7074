import type { Readable } from 'node:stream'

export interface StoredObject {
  body: Readable
  size: number
  contentType: string
  etag: string
}

/** Where media objects live. Keys are `[a-z0-9/._-]` only (see keys.ts). */
export interface ObjectStorage {
  readonly driver: 'local' | 's3'
  /** Creates the directory or bucket if missing. Called from `start()`. */
  ensureReady(): Promise<void>
  /** Readiness probe. */
  ping(): Promise<void>
  put(key: string, body: Buffer, contentType: string): Promise<void>
  /** The object, or null when it does not exist. */
  get(key: string): Promise<StoredObject | null>
  exists(key: string): Promise<boolean>
  delete(keys: readonly string[]): Promise<void>
  /** Every object under a prefix. */
  list(prefix: string): AsyncIterable<{ key: string; lastModified: Date }>
  /** A time-limited URL for direct download, when the driver can sign. */
  signedUrl?(key: string, seconds: number): Promise<string>
}

const TYPES: Record<string, string> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpg: 'image/jpeg',
  png: 'image/png',
}

export function contentTypeOf(key: string): string {
  return TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream'
}
