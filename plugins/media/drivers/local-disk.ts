import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { access, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { contentTypeOf, type ObjectStorage, type StoredObject } from './object-storage.js'

/** The embedded default: one file per object under the data directory. */
export class LocalDiskStorage implements ObjectStorage {
  readonly driver = 'local' as const
  readonly #root: string

  constructor(root: string) {
    this.#root = root
  }

  #path(key: string): string {
    if (!/^[a-z0-9][a-z0-9/._-]*$/.test(key) || key.includes('..'))
      throw new Error(`Invalid object key ${key}`)
    return join(this.#root, ...key.split('/'))
  }

  async ensureReady(): Promise<void> {
    await mkdir(this.#root, { recursive: true })
  }

  async ping(): Promise<void> {
    await access(this.#root)
  }

  async put(key: string, body: Buffer, _contentType: string): Promise<void> {
    const path = this.#path(key)
    await mkdir(dirname(path), { recursive: true })
    // Write then rename: a reader never sees half an object.
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`
    await writeFile(tmp, body)
    await rename(tmp, path)
  }

  async get(key: string): Promise<StoredObject | null> {
    const path = this.#path(key)
    const info = await stat(path).catch(() => null)
    if (!info?.isFile()) return null
    const etag = createHash('sha1')
      .update(`${key}:${info.size}:${info.mtimeMs}`)
      .digest('base64url')
    return {
      body: createReadStream(path),
      size: info.size,
      contentType: contentTypeOf(key),
      etag: `"${etag}"`,
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await stat(this.#path(key)).catch(() => null))?.isFile() ?? false
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.#path(k), { force: true })))
  }

  async *list(prefix: string): AsyncIterable<{ key: string; lastModified: Date }> {
    const entries = await readdir(this.#root, { recursive: true, withFileTypes: true }).catch(
      () => [],
    )
    for (const entry of entries) {
      if (!entry.isFile()) continue
      const path = join(entry.parentPath, entry.name)
      const key = relative(this.#root, path).split(sep).join('/')
      if (!key.startsWith(prefix)) continue
      const info = await stat(path).catch(() => null)
      if (info) yield { key, lastModified: info.mtime }
    }
  }
}
