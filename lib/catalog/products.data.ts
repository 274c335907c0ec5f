// The demo catalog that `npm run db:seed` writes. Prices include VAT, in öre. A few products run low.
export type CatalogSeedProduct = {
  slug: string;
  sku: string;
  name: string;
  description: string;
  priceOre: number;
  taxRateBp: number;
  /** Units in stock on a fresh database (the merchant edits them in the back office afterwards). */
  stockOnHand: number;
};

export const DEMO_PRODUCTS: CatalogSeedProduct[] = [
  { slug: 'stoneware-mug', sku: 'NV-1001', name: 'Stoneware mug, moss', description: 'A hand-glazed 30 cl mug with a thick rim that keeps coffee warm through a long fika.', priceOre: 18900, taxRateBp: 2500, stockOnHand: 120 },
  { slug: 'linen-tea-towel', sku: 'NV-1002', name: 'Linen tea towel', description: 'Stonewashed Swedish linen, 50 × 70 cm. Soft from the first wash and dries glass without lint.', priceOre: 14900, taxRateBp: 2500, stockOnHand: 80 },
  { slug: 'birch-cutting-board', sku: 'NV-1003', name: 'Birch cutting board', description: 'Solid Nordic birch, oiled, with a juice groove. 40 × 25 cm.', priceOre: 34900, taxRateBp: 2500, stockOnHand: 25 },
  { slug: 'wool-throw', sku: 'NV-1004', name: 'Wool throw, grey', description: 'A 130 × 180 cm throw woven from lambswool on a mill in Småland.', priceOre: 89500, taxRateBp: 2500, stockOnHand: 150 },
  { slug: 'pour-over-kettle', sku: 'NV-1005', name: 'Pour-over kettle', description: 'A 1 l gooseneck kettle in brushed steel for an even, slow pour. Works on induction.', priceOre: 64900, taxRateBp: 2500, stockOnHand: 18 },
  { slug: 'ceramic-vase', sku: 'NV-1006', name: 'Ceramic vase, sand', description: 'A 22 cm tall vase thrown by hand; every piece differs a little.', priceOre: 42900, taxRateBp: 2500, stockOnHand: 12 },
  { slug: 'beeswax-candles', sku: 'NV-1007', name: 'Beeswax candles, 4 pack', description: 'Pure beeswax, dripless, about 8 hours each. Smells faintly of honey.', priceOre: 11900, taxRateBp: 2500, stockOnHand: 200 },
  { slug: 'oak-serving-tray', sku: 'NV-1008', name: 'Oak serving tray', description: 'Oiled oak with cut-out handles, 45 × 30 cm. Breakfast in bed, solved.', priceOre: 49900, taxRateBp: 2500, stockOnHand: 6 },
  { slug: 'glass-carafe', sku: 'NV-1009', name: 'Glass carafe, 1 l', description: 'Mouth-blown borosilicate glass with a beech stopper.', priceOre: 25900, taxRateBp: 2500, stockOnHand: 40 },
  { slug: 'cotton-apron', sku: 'NV-1010', name: 'Cotton apron', description: 'Heavy organic cotton canvas with a deep front pocket and long ties.', priceOre: 29900, taxRateBp: 2500, stockOnHand: 35 },
  { slug: 'field-notebook', sku: 'NV-1011', name: 'Field notebook, dotted', description: 'A5, 96 pages of dotted 100 g paper, thread-stitched so it lies flat.', priceOre: 8950, taxRateBp: 2500, stockOnHand: 4 },
  { slug: 'enamel-pot', sku: 'NV-1012', name: 'Enamel pot, 2 l', description: 'Enamelled steel with a glass lid, for soup, porridge and everything between.', priceOre: 54900, taxRateBp: 2500, stockOnHand: 30 },
  { slug: 'fika-cookbook', sku: 'NV-2001', name: 'The Fika Cookbook', description: 'Sixty recipes for buns, cakes and biscuits, from kanelbullar to kladdkaka. Hardback, 192 pages.', priceOre: 27900, taxRateBp: 600, stockOnHand: 60 },
  { slug: 'nordic-design-book', sku: 'NV-2002', name: 'Nordic Design: a history', description: 'A hundred years of Scandinavian furniture, glass and textiles, richly illustrated. 320 pages.', priceOre: 34900, taxRateBp: 600, stockOnHand: 3 },
];
