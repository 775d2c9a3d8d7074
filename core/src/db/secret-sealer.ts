import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const FORMAT = 'oo1'

/**
 * Seals secrets a plugin must store in the database (issuer keys, webhook signing secrets), so
 * SQL running as `oo_app` reads only ciphertext: AES-256-GCM under a 32-byte key the plugin
 * derives from `config.secretKey()` for its own purpose. `context` is bound as associated data
 * (the secret's name, the row's tenant), so a sealed value copied to another row does not open.
 */
export class SecretSealer {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretSealer needs a 32-byte key')
    this.#key = key
  }

  /** Whether `stored` is a sealed value (and not a plaintext kept from before sealing). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(`${FORMAT}.`)
  }

  seal(value: string, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv).setAAD(Buffer.from(context))
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
    return [FORMAT, iv, cipher.getAuthTag(), sealed].map((p) => encode(p)).join('.')
  }

  /** The value, or null when it does not open with this key and context (wrong key, copied, altered). */
  open(stored: string, context: string): string | null {
    const [format, iv, tag, sealed] = stored.split('.')
    if (format !== FORMAT || !iv || !tag || sealed === undefined) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(context)).setAuthTag(Buffer.from(tag, 'base64url'))
      const value = Buffer.concat([
        decipher.update(Buffer.from(sealed, 'base64url')),
        decipher.final(),
      ])
      return value.toString('utf8')
    } catch {
      return null
    }
  }
}

function encode(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url')
}
