import { OoError } from '@oo/core'
import { DocumentReading, type DraftProvider, type Vocabulary } from './draft.js'

export interface LlmOptions {
  url: string
  apiKey: string
  model: string
  timeoutMs: number
}

const INSTRUCTIONS = `You read a meat supplier's order confirmation or bill of lading and answer with JSON only:
{"supplier": string|null, "plant": string|null, "carrier": string|null, "pickupDate": "YYYY-MM-DD"|null,
 "deliveryDate": "YYYY-MM-DD"|null, "weightUnit": "lb"|"kg"|null,
 "lines": [{"product": string, "weight": number, "pricePerUnit": number}]}
pricePerUnit is in currency units per unit of weight. Prefer the names from the lists given.`

/**
 * An OpenAI-compatible chat-completions endpoint (`url`, bearer `apiKey`): the document text and
 * the tenant's names go out, JSON comes back and is checked like any other input.
 */
export class LlmProvider implements DraftProvider {
  readonly name = 'llm'
  readonly #opts: LlmOptions

  constructor(opts: LlmOptions) {
    this.#opts = opts
  }

  async read(text: string, vocabulary: Vocabulary): Promise<DocumentReading> {
    const names = (list: { name: string }[]) => list.map((e) => e.name).join('; ')
    const context = `Suppliers: ${names(vocabulary.suppliers)}\nPlants: ${names(vocabulary.plants)}\nCarriers: ${names(vocabulary.carriers)}\nProducts: ${names(vocabulary.productTypes)}`
    let res: Response
    try {
      res = await fetch(this.#opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.#opts.apiKey}`,
        },
        body: JSON.stringify({
          model: this.#opts.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: INSTRUCTIONS },
            { role: 'user', content: `${context}\n\nDocument:\n${text.slice(0, 50_000)}` },
          ],
        }),
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
      })
    } catch (err) {
      throw failed(`the model did not answer (${(err as Error).name})`, err)
    }
    if (!res.ok) throw failed(`the model answered ${res.status}`)
    const body = (await res.json().catch(() => null)) as {
      choices?: { message?: { content?: string } }[]
    } | null
    const content = body?.choices?.[0]?.message?.content
    let json: unknown
    try {
      json = JSON.parse(content ?? '')
    } catch (err) {
      throw failed('the model answered something other than JSON', err)
    }
    const reading = DocumentReading.safeParse(json)
    if (!reading.success)
      throw failed('the model’s JSON is not a purchase order reading', reading.error)
    return reading.data
  }
}

function failed(why: string, cause?: unknown): OoError {
  return new OoError(
    'ASSISTANT_PROVIDER_FAILED',
    502,
    `The document assistant could not read the document: ${why}`,
    { cause },
  )
}
