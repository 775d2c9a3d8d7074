import { EventEmitter } from 'node:events'
import type { Logger, Redis } from '@oo/core'
import { z } from 'zod'

/** What crosses the wire after a change: which key moved to which version. Never a value. */
export const SettingsNotice = z.object({
  tenantId: z.uuid(),
  scope: z.string().min(1).max(63),
  key: z.string().min(1).max(100),
  version: z.number().int().positive(),
})
export type SettingsNotice = z.infer<typeof SettingsNotice>

// Without Redis every engine of this process shares one emitter, keyed by channel.
const local = new EventEmitter().setMaxListeners(0)

/**
 * Tells every engine process that a setting changed: Redis pub/sub when Redis is configured
 * (a dedicated subscriber connection, as Redis requires), else an in-process emitter.
 */
export class SettingsBus {
  readonly #redis: Redis | null
  readonly #channel: string
  readonly #logger: Logger
  readonly #publishing: boolean
  #subscriber: Redis | null = null
  #listener?: (notice: SettingsNotice) => void

  constructor({
    redis,
    channel,
    logger,
    publish,
  }: {
    redis: Redis | null
    channel: string
    logger: Logger
    publish: boolean
  }) {
    this.#publishing = publish
    this.#redis = redis
    this.#channel = channel
    this.#logger = logger
  }

  /** `onReconnect` lets the caller reconcile: messages sent while disconnected are lost. */
  async start(onNotice: (notice: SettingsNotice) => void, onReconnect: () => void): Promise<void> {
    const receive = (raw: unknown) => {
      const parsed = SettingsNotice.safeParse(typeof raw === 'string' ? safeJson(raw) : raw)
      if (parsed.success) onNotice(parsed.data)
      else this.#logger.warn({ channel: this.#channel }, 'ignored a malformed settings notice')
    }
    if (!this.#redis) {
      this.#listener = receive
      local.on(this.#channel, receive)
      return
    }
    const subscriber = this.#redis.duplicate()
    // Once per outage, not once per reconnect attempt: the client retries every 100 ms–2 s.
    let lostAt: number | null = null
    subscriber.on('error', (err: Error) => {
      if (lostAt !== null) return
      lostAt = Date.now()
      this.#logger.warn({ err }, 'settings subscriber lost Redis; reconciling when it is back')
    })
    let connectedOnce = false
    subscriber.on('ready', () => {
      if (connectedOnce) {
        this.#logger.info(
          { outageMs: lostAt === null ? undefined : Date.now() - lostAt },
          'settings subscriber back; reconciling',
        )
        onReconnect()
      }
      lostAt = null
      connectedOnce = true
    })
    await subscriber.connect()
    await subscriber.subscribe(this.#channel, receive)
    this.#subscriber = subscriber
  }

  async publish(notice: SettingsNotice): Promise<void> {
    if (!this.#publishing) return
    if (this.#redis) await this.#redis.publish(this.#channel, JSON.stringify(notice))
    else local.emit(this.#channel, notice)
  }

  async stop(): Promise<void> {
    if (this.#listener) local.off(this.#channel, this.#listener)
    this.#listener = undefined
    const subscriber = this.#subscriber
    this.#subscriber = null
    // QUIT cannot reach a Redis that is away: then drop the connection (and its reconnect loop).
    if (subscriber) await subscriber.quit().catch(() => subscriber.destroy())
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}
