import { isOoError, OoError } from '@oo/core'
import { extractText, getDocumentProxy } from 'unpdf'

/** The text of a PDF's pages (no OCR: a scanned page without text yields nothing, and says so). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-')
    throw new OoError('ASSISTANT_NOT_A_PDF', 415, 'The upload is not a PDF', { field: 'file' })
  try {
    const doc = await getDocumentProxy(bytes)
    const { text } = await extractText(doc, { mergePages: true }).finally(() =>
      doc.loadingTask.destroy(),
    )
    if (!text.trim())
      throw new OoError(
        'ASSISTANT_NO_TEXT',
        422,
        'The PDF has no text layer (a scan?): enter the order by hand',
        { field: 'file' },
      )
    return text
  } catch (err) {
    if (isOoError(err)) throw err
    throw new OoError('ASSISTANT_PDF_UNREADABLE', 422, 'The PDF could not be read', {
      field: 'file',
      cause: err,
    })
  }
}
