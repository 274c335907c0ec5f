// The demo catalog that `npm run db:seed` writes. Prices include VAT, in öre. Every product has its
// name and description in English (the fallback) and Swedish. A few products run low.
export type ProductTexts = { name: string; description: string };

export type CatalogSeedProduct = {
  slug: string;
  sku: string;
  priceOre: number;
  taxRateBp: number;
  texts: { en: ProductTexts; sv: ProductTexts };
  /** Units in stock on a fresh database (the merchant edits them in the back office afterwards). */
  stockOnHand: number;
};

export const DEMO_PRODUCTS: CatalogSeedProduct[] = [
  {
    slug: 'stoneware-mug', sku: 'NV-1001', priceOre: 18900, taxRateBp: 2500, stockOnHand: 120,
    texts: {
      en: { name: 'Stoneware mug, moss', description: 'A hand-glazed 30 cl mug with a thick rim that keeps coffee warm through a long fika.' },
      sv: { name: 'Stengodsmugg, mossgrön', description: 'En handglaserad mugg på 30 cl med tjock kant som håller kaffet varmt genom en lång fika.' },
    },
  },
  {
    slug: 'linen-tea-towel', sku: 'NV-1002', priceOre: 14900, taxRateBp: 2500, stockOnHand: 80,
    texts: {
      en: { name: 'Linen tea towel', description: 'Stonewashed Swedish linen, 50 × 70 cm. Soft from the first wash and dries glass without lint.' },
      sv: { name: 'Kökshandduk i linne', description: 'Stentvättat svenskt linne, 50 × 70 cm. Mjuk redan från första tvätten och torkar glas utan ludd.' },
    },
  },
  {
    slug: 'birch-cutting-board', sku: 'NV-1003', priceOre: 34900, taxRateBp: 2500, stockOnHand: 25,
    texts: {
      en: { name: 'Birch cutting board', description: 'Solid Nordic birch, oiled, with a juice groove. 40 × 25 cm.' },
      sv: { name: 'Skärbräda i björk', description: 'Massiv nordisk björk, oljad, med saftränna. 40 × 25 cm.' },
    },
  },
  {
    slug: 'wool-throw', sku: 'NV-1004', priceOre: 89500, taxRateBp: 2500, stockOnHand: 150,
    texts: {
      en: { name: 'Wool throw, grey', description: 'A 130 × 180 cm throw woven from lambswool on a mill in Småland.' },
      sv: { name: 'Ullpläd, grå', description: 'En pläd på 130 × 180 cm, vävd av lammull på ett väveri i Småland.' },
    },
  },
  {
    slug: 'pour-over-kettle', sku: 'NV-1005', priceOre: 64900, taxRateBp: 2500, stockOnHand: 18,
    texts: {
      en: { name: 'Pour-over kettle', description: 'A 1 l gooseneck kettle in brushed steel for an even, slow pour. Works on induction.' },
      sv: { name: 'Vattenkokare för pour-over', description: 'En svanhalskanna på 1 l i borstat stål för en jämn, långsam hällning. Fungerar på induktion.' },
    },
  },
  {
    slug: 'ceramic-vase', sku: 'NV-1006', priceOre: 42900, taxRateBp: 2500, stockOnHand: 12,
    texts: {
      en: { name: 'Ceramic vase, sand', description: 'A 22 cm tall vase thrown by hand; every piece differs a little.' },
      sv: { name: 'Keramikvas, sand', description: 'En 22 cm hög vas som drejats för hand; varje exemplar är lite olika.' },
    },
  },
  {
    slug: 'beeswax-candles', sku: 'NV-1007', priceOre: 11900, taxRateBp: 2500, stockOnHand: 200,
    texts: {
      en: { name: 'Beeswax candles, 4 pack', description: 'Pure beeswax, dripless, about 8 hours each. Smells faintly of honey.' },
      sv: { name: 'Bivaxljus, 4-pack', description: 'Rent bivax som inte droppar, cirka 8 timmars brinntid per ljus. Doftar svagt av honung.' },
    },
  },
  {
    slug: 'oak-serving-tray', sku: 'NV-1008', priceOre: 49900, taxRateBp: 2500, stockOnHand: 6,
    texts: {
      en: { name: 'Oak serving tray', description: 'Oiled oak with cut-out handles, 45 × 30 cm. Breakfast in bed, solved.' },
      sv: { name: 'Serveringsbricka i ek', description: 'Oljad ek med urfrästa handtag, 45 × 30 cm. Frukost på sängen, löst.' },
    },
  },
  {
    slug: 'glass-carafe', sku: 'NV-1009', priceOre: 25900, taxRateBp: 2500, stockOnHand: 40,
    texts: {
      en: { name: 'Glass carafe, 1 l', description: 'Mouth-blown borosilicate glass with a beech stopper.' },
      sv: { name: 'Glaskaraff, 1 l', description: 'Munblåst borosilikatglas med kork i bok.' },
    },
  },
  {
    slug: 'cotton-apron', sku: 'NV-1010', priceOre: 29900, taxRateBp: 2500, stockOnHand: 35,
    texts: {
      en: { name: 'Cotton apron', description: 'Heavy organic cotton canvas with a deep front pocket and long ties.' },
      sv: { name: 'Förkläde i bomull', description: 'Kraftig canvas i ekologisk bomull med djup framficka och långa knytband.' },
    },
  },
  {
    slug: 'field-notebook', sku: 'NV-1011', priceOre: 8950, taxRateBp: 2500, stockOnHand: 4,
    texts: {
      en: { name: 'Field notebook, dotted', description: 'A5, 96 pages of dotted 100 g paper, thread-stitched so it lies flat.' },
      sv: { name: 'Anteckningsbok, prickad', description: 'A5, 96 sidor prickat papper på 100 g, trådhäftad så att den ligger platt.' },
    },
  },
  {
    slug: 'enamel-pot', sku: 'NV-1012', priceOre: 54900, taxRateBp: 2500, stockOnHand: 30,
    texts: {
      en: { name: 'Enamel pot, 2 l', description: 'Enamelled steel with a glass lid, for soup, porridge and everything between.' },
      sv: { name: 'Emaljgryta, 2 l', description: 'Emaljerat stål med glaslock, för soppa, gröt och allt däremellan.' },
    },
  },
  {
    slug: 'fika-cookbook', sku: 'NV-2001', priceOre: 27900, taxRateBp: 600, stockOnHand: 60,
    texts: {
      en: { name: 'The Fika Cookbook', description: 'Sixty recipes for buns, cakes and biscuits, from kanelbullar to kladdkaka. Hardback, 192 pages.' },
      sv: { name: 'Fikaboken', description: 'Sextio recept på bullar, kakor och småkakor, från kanelbullar till kladdkaka. Inbunden, 192 sidor.' },
    },
  },
  {
    slug: 'nordic-design-book', sku: 'NV-2002', priceOre: 34900, taxRateBp: 600, stockOnHand: 3,
    texts: {
      en: { name: 'Nordic Design: a history', description: 'A hundred years of Scandinavian furniture, glass and textiles, richly illustrated. 320 pages.' },
      sv: { name: 'Nordisk design: en historia', description: 'Hundra år av skandinaviska möbler, glas och textilier, rikt illustrerad. 320 sidor.' },
    },
  },
];

/** The Product row of a seed product: its English texts are the row's own name and description. */
export function productRow({ texts, ...product }: CatalogSeedProduct) {
  return { ...product, name: texts.en.name, description: texts.en.description };
}
