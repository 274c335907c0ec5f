// Measure 8 of `npm run bench`: Lighthouse (mobile) on the shop's pages as a shopper meets them —
// the catalog, a product, the cart with an item in it, the pay page of an open invoice and the done
// page of a paid order, each with its shopper's cookie — on shop A of the production build.
import { measureLighthouse, prepareShopPages, type LighthouseReport } from './bench-lighthouse';
import type { Stack } from './bench-stack';

export type LighthouseResult = LighthouseReport;

export async function measureShopPages(stack: Stack): Promise<LighthouseResult> {
  const shop = stack.shops[0]!;
  return measureLighthouse(await prepareShopPages(shop.url, stack.sandbox.control));
}
