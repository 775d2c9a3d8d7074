import { OoError, type AppRouter } from '@oo/core'
import { assetPrefix, UUID, VARIANT_FILE } from '../services/keys.js'

const YEAR = 31_536_000

export function storeRoutes(router: AppRouter): void {
  /**
   * An image variant of the shop behind this host. Objects are immutable (a new upload is a new
   * asset id), so they are cached for a year; the key carries the tenant, so another shop's
   * asset id finds nothing.
   */
  router.get('/media/:assetId/:file', async function serveMedia(ctx) {
    const tenant = ctx.state.tenant
    if (!tenant)
      throw new OoError('OO_TENANT_REQUIRED', 404, `No shop is registered at ${ctx.hostname}`)
    const { assetId, file } = ctx.params as { assetId: string; file: string }
    if (!UUID.test(assetId) || !VARIANT_FILE.test(file))
      throw new OoError('MEDIA_NOT_FOUND', 404, 'No such image')
    const { mediaStorage, mediaOptions } = ctx.state.scope.cradle
    const key = assetPrefix(tenant.id, assetId) + file
    if (mediaOptions.signedUrlSeconds > 0 && mediaStorage.signedUrl) {
      if (!(await mediaStorage.exists(key)))
        throw new OoError('MEDIA_NOT_FOUND', 404, 'No such image')
      ctx.set('Cache-Control', `private, max-age=${Math.floor(mediaOptions.signedUrlSeconds / 2)}`)
      ctx.redirect(await mediaStorage.signedUrl(key, mediaOptions.signedUrlSeconds))
      return
    }
    const object = await mediaStorage.get(key)
    if (!object) throw new OoError('MEDIA_NOT_FOUND', 404, 'No such image')
    ctx.set('Cache-Control', `public, max-age=${YEAR}, immutable`)
    ctx.set('ETag', object.etag)
    ctx.type = object.contentType
    if (ctx.get('if-none-match') === object.etag) {
      object.body.destroy()
      ctx.status = 304
      return
    }
    ctx.length = object.size
    ctx.body = object.body
  })
}
