import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/** Debian's Chromium: browser tests skip (saying so) where it is not installed. */
export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

/**
 * Headless Chromium in a fresh profile, with the flags this closed network needs and `*.test`
 * mapped to 127.0.0.1 (tenant hosts). Network prediction is off: pre-opened idle connections
 * would hold an engine's graceful stop. Closing the context removes the profile.
 */
export async function launchChromium(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'oo-chromium-'))
  mkdirSync(join(profile, 'Default'), { recursive: true })
  writeFileSync(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ net: { network_prediction_options: 2 } }),
  )
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: opts.viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.test 127.0.0.1',
    ],
  })
  // The browser may still be writing its profile when the context reports closed: retry, and
  // never fail a test over a temporary folder.
  context.once('close', () => {
    rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(
      () => undefined,
    )
  })
  return context
}
