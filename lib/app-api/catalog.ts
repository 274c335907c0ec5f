// listProducts, getProduct: the catalog as the web shop shows it, in the request's language.
import { findProductBySlug, listProducts } from '../catalog';
import { getConfig } from '../config';
import type { Locale } from '../i18n';
import { ApiProblem } from './problems';
import { productDto } from './present';
import type { ProductDto } from './schemas';

export async function listProductsForApp(locale: Locale): Promise<{ products: ProductDto[] }> {
  const base = getConfig().publicBaseUrl;
  return { products: (await listProducts(locale)).map((product) => productDto(product, locale, base)) };
}

export async function getProductForApp(slug: string, locale: Locale): Promise<ProductDto> {
  const product = await findProductBySlug(slug, locale);
  if (!product) throw new ApiProblem('product-not-found');
  return productDto(product, locale, getConfig().publicBaseUrl);
}
