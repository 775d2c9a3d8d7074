import { OoError } from '@oo/core'
import type { IncomingMessage } from 'node:http'

/** The request body as bytes, refused with 413 past `maxBytes` (declared or actual). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new OoError('ASSISTANT_FILE_TOO_LARGE', 413, `The document is larger than ${maxBytes} bytes`, {
      field: 'file',
    })
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    req.resume() // drain, so the answer reaches the client
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > maxBytes) {
      req.resume()
      throw tooLarge()
    }
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks))
}
