import { parse, parseListQuery, requirePermission, setContentRange, type AppRouter } from '@oo/core'
import { actorOf } from './actor.js'
import { readMultipart, requireFile } from './multipart.js'
import {
  CategoryBody,
  CategoryFilter,
  CategoryPatch,
  IdParam,
  ImageForm,
  ImageParam,
  ProductBody,
  ProductFilter,
  ProductPatch,
  UpsertForm,
} from './schemas.js'

const READ = requirePermission('catalog.products.read')
const WRITE = requirePermission('catalog.products.write')
// 'id' too: react-admin's reference inputs sort by id unless told otherwise.
const PRODUCT_SORT = [
  'name',
  'priceMinor',
  'stockQty',
  'createdAt',
  'updatedAt',
  'slug',
  'active',
  'id',
]

export function adminRoutes(router: AppRouter): void {
  router.get('/products', READ, async function listProducts(ctx) {
    const query = parseListQuery(ctx.query, { sortable: PRODUCT_SORT, filter: ProductFilter })
    const { rows, total } = await ctx.state.scope.cradle.productService.list(
      query,
      actorOf(ctx.state),
    )
    setContentRange(ctx, 'products', query.range, total, rows.length)
    ctx.body = rows
  })

  router.get('/products/:id', READ, async function getProduct(ctx) {
    ctx.body = await ctx.state.scope.cradle.productService.get(
      parse(IdParam, ctx.params).id,
      actorOf(ctx.state),
    )
  })

  router.post('/products', WRITE, async function createProduct(ctx) {
    const body = parse(ProductBody, ctx.request.body)
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.productService.create(body, actorOf(ctx.state))
  })

  /** Farm marketplace form (multipart): `id` present → update, else create; optional photo `file`. */
  router.post('/products/upsert', WRITE, async function upsertProduct(ctx) {
    const { fields, file } = await readMultipart(ctx, ctx.state.scope.cradle.mediaOptions.maxBytes)
    const form = parse(UpsertForm, fields)
    const { product, created } = await ctx.state.scope.cradle.productService.upsert(
      form,
      file,
      actorOf(ctx.state),
    )
    ctx.status = created ? 201 : 200
    ctx.body = product
  })

  router.put('/products/:id', WRITE, async function updateProduct(ctx) {
    const { id } = parse(IdParam, ctx.params)
    ctx.body = await ctx.state.scope.cradle.productService.update(
      id,
      parse(ProductPatch, ctx.request.body),
      actorOf(ctx.state),
    )
  })

  router.delete('/products/:id', WRITE, async function deleteProduct(ctx) {
    ctx.body = await ctx.state.scope.cradle.productService.remove(
      parse(IdParam, ctx.params).id,
      actorOf(ctx.state),
    )
  })

  router.post('/products/:id/images', WRITE, async function addProductImage(ctx) {
    const { id } = parse(IdParam, ctx.params)
    const { fields, file } = await readMultipart(ctx, ctx.state.scope.cradle.mediaOptions.maxBytes)
    const { alt } = parse(ImageForm, fields)
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.productService.addImage(
      id,
      requireFile(file),
      alt ?? null,
      actorOf(ctx.state),
    )
  })

  router.delete('/products/:id/images/:assetId', WRITE, async function removeProductImage(ctx) {
    const { id, assetId } = parse(ImageParam, ctx.params)
    ctx.body = await ctx.state.scope.cradle.productService.removeImage(
      id,
      assetId,
      actorOf(ctx.state),
    )
  })

  categoryRoutes(router)
}

function categoryRoutes(router: AppRouter): void {
  const read = requirePermission('catalog.categories.read')
  const write = requirePermission('catalog.categories.write')
  router.get('/categories', read, async function listCategories(ctx) {
    const query = parseListQuery(ctx.query, {
      sortable: ['position', 'name', 'slug', 'createdAt', 'id'],
      filter: CategoryFilter,
    })
    const { rows, total } = await ctx.state.scope.cradle.categoryService.list(query)
    setContentRange(ctx, 'categories', query.range, total, rows.length)
    ctx.body = rows
  })
  router.get('/categories/:id', read, async function getCategory(ctx) {
    ctx.body = await ctx.state.scope.cradle.categoryService.get(parse(IdParam, ctx.params).id)
  })
  router.post('/categories', write, async function createCategory(ctx) {
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.categoryService.create(
      parse(CategoryBody, ctx.request.body),
    )
  })
  router.put('/categories/:id', write, async function updateCategory(ctx) {
    ctx.body = await ctx.state.scope.cradle.categoryService.update(
      parse(IdParam, ctx.params).id,
      parse(CategoryPatch, ctx.request.body),
    )
  })
  router.delete('/categories/:id', write, async function deleteCategory(ctx) {
    ctx.body = await ctx.state.scope.cradle.categoryService.remove(parse(IdParam, ctx.params).id)
  })
}
