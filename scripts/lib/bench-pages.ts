// Measure 8 of `npm run bench`: Lighthouse (mobile) on the shop's pages as a shopper meets them —
// the catalog, a product, the cart with an item in it (the shopper's cookie), the pay page of an
// open invoice and the done page of a paid order — on shop A of the production build.
import { DEMO_PRODUCTS } from '../../lib/catalog/products.data';
import { HttpShopper, serverActionIds } from '../../tests/helpers/shopper';
import { measureLighthouse } from './bench-lighthouse';
import type { Stack } from './bench-stack';

export type LighthouseResult = Awaited<ReturnType<typeof measureLighthouse>>;

export async function measureShopPages(stack: Stack, tokens: { openToken: string; paidToken: string }): Promise<LighthouseResult> {
  const shop = stack.shops[0]!;
  const slug = DEMO_PRODUCTS[0]!.slug;
  const shopper = new HttpShopper(shop.url, serverActionIds());
  await shopper.addToCart(slug, 1);
  return measureLighthouse(
    [
      { name: 'catalog', url: `${shop.url}/` },
      { name: 'product', url: `${shop.url}/products/${slug}` },
      { name: 'cart', url: `${shop.url}/cart` },
      { name: 'pay', url: `${shop.url}/pay/${tokens.openToken}` },
      { name: 'done', url: `${shop.url}/orders/${tokens.paidToken}/done` },
    ],
    { cookie: shopper.cookieHeader() },
  );
}
