import { OoError, type AppState } from '@oo/core'
import busboy from 'busboy'
import type { ParameterizedContext } from 'koa'

export interface MultipartForm {
  fields: Record<string, string>
  file?: Buffer
}

const FIELD_LIMIT = 16 * 1024

/**
 * Reads a multipart form with at most one file (field `file`) held in memory up to `maxFileBytes`.
 * Errors are thrown after the body is consumed, so the client always gets the 4xx answer.
 */
export async function readMultipart(
  ctx: ParameterizedContext<AppState>,
  maxFileBytes: number,
): Promise<MultipartForm> {
  if (!ctx.is('multipart/form-data')) {
    throw new OoError('OO_UNSUPPORTED_MEDIA_TYPE', 415, 'Send this form as multipart/form-data')
  }
  const fields: Record<string, string> = {}
  let file: Buffer | undefined
  let problem: OoError | undefined
  const fail = (err: OoError) => (problem ??= err)
  await new Promise<void>((resolve, reject) => {
    let settled = false
    // Every stream of the request can fail on its own (the body, the parser, the file part): any
    // of them ends this request with a 4xx. An 'error' without a listener would end the process.
    const broken = (err: unknown) => {
      if (settled) return
      settled = true
      ctx.req.unpipe()
      ctx.req.resume() // drain what is left, so the answer reaches the client
      reject(
        new OoError('OO_MULTIPART_INVALID', 400, `Malformed multipart form: ${messageOf(err)}`, {
          cause: err,
        }),
      )
    }
    ctx.req.on('error', broken)
    ctx.req.on('close', () => {
      if (!ctx.req.complete) broken(new Error('the client closed the connection mid-body'))
    })
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: ctx.req.headers,
        limits: { fileSize: maxFileBytes, files: 1, fields: 40, fieldSize: FIELD_LIMIT, parts: 42 },
      })
    } catch (err) {
      broken(err)
      return
    }
    parser.on('file', (name, stream, info) => {
      stream.on('error', broken)
      if (name !== 'file') {
        fail(
          new OoError('OO_VALIDATION_FAILED', 400, `Unexpected file field ${name}`, {
            field: name,
          }),
        )
        stream.resume()
        return
      }
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('limit', () =>
        fail(
          new OoError(
            'MEDIA_FILE_TOO_LARGE',
            413,
            `The file is larger than ${maxFileBytes} bytes`,
            { field: 'file' },
          ),
        ),
      )
      stream.on('close', () => {
        // A browser sends an empty part for an untouched file input.
        if (info.filename || chunks.length) file = Buffer.concat(chunks)
      })
    })
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        fail(
          new OoError('OO_VALIDATION_FAILED', 400, `${name} is longer than ${FIELD_LIMIT} bytes`, {
            field: name,
          }),
        )
      if (name in fields)
        fail(new OoError('OO_VALIDATION_FAILED', 400, `${name} was sent twice`, { field: name }))
      fields[name] = value
    })
    parser.on('filesLimit', () =>
      fail(new OoError('OO_VALIDATION_FAILED', 400, 'Send at most one file', { field: 'file' })),
    )
    parser.on('partsLimit', () =>
      fail(new OoError('OO_VALIDATION_FAILED', 400, 'Too many form fields')),
    )
    parser.on('fieldsLimit', () =>
      fail(new OoError('OO_VALIDATION_FAILED', 400, 'Too many form fields')),
    )
    parser.on('error', broken)
    parser.on('close', () => {
      if (settled) return
      settled = true
      resolve()
    })
    ctx.req.pipe(parser)
  })
  if (problem) throw problem
  return { fields, file }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function requireFile(file: Buffer | undefined): Buffer {
  if (!file)
    throw new OoError('OO_VALIDATION_FAILED', 400, 'file: an image is required', { field: 'file' })
  return file
}
