import { Client } from 'minio'
import type { MediaOptions } from '../config.js'
import type { ObjectStorage, StoredObject } from './object-storage.js'

type S3Options = NonNullable<MediaOptions['s3']>

/** S3 or MinIO through the `minio` client. Objects are put with a known size and content type. */
export class S3Storage implements ObjectStorage {
  readonly driver = 's3' as const
  readonly #client: Client
  readonly #bucket: string
  readonly #region: string

  constructor(options: S3Options) {
    const url = new URL(options.endpoint)
    const useSSL = url.protocol === 'https:'
    this.#client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      pathStyle: options.pathStyle,
    })
    this.#bucket = options.bucket
    this.#region = options.region
  }

  async ensureReady(): Promise<void> {
    if (!(await this.#client.bucketExists(this.#bucket)))
      await this.#client.makeBucket(this.#bucket, this.#region)
  }

  async ping(): Promise<void> {
    if (!(await this.#client.bucketExists(this.#bucket)))
      throw new Error(`bucket ${this.#bucket} is missing`)
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.#client.putObject(this.#bucket, key, body, body.length, {
      'Content-Type': contentType,
    })
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const stat = await this.#client.statObject(this.#bucket, key)
      const body = await this.#client.getObject(this.#bucket, key)
      const contentType =
        (stat.metaData['content-type'] as string | undefined) ?? 'application/octet-stream'
      return { body, size: stat.size, contentType, etag: `"${stat.etag}"` }
    } catch (err) {
      if (isNotFound(err)) return null
      throw err
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.#client.statObject(this.#bucket, key)
      return true
    } catch (err) {
      if (isNotFound(err)) return false
      throw err
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    // One request per key, in turn: multi-object delete is not on every S3-protocol server, and
    // s3rver answers 500 to parallel deletes in one folder.
    for (const key of keys) await this.#client.removeObject(this.#bucket, key)
  }

  async *list(prefix: string): AsyncIterable<{ key: string; lastModified: Date }> {
    for await (const item of this.#client.listObjectsV2(this.#bucket, prefix, true)) {
      if (item.name) yield { key: item.name, lastModified: item.lastModified ?? new Date(0) }
    }
  }

  signedUrl(key: string, seconds: number): Promise<string> {
    return this.#client.presignedGetObject(this.#bucket, key, seconds)
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code
  return code === 'NotFound' || code === 'NoSuchKey' || code === 'NoSuchBucket'
}
