// Cart arithmetic, pure: line totals, VAT per rate and the grand total, all in öre.
import { vatOfGross } from '../money';

export type PricedLine = { unitPriceOre: number; quantity: number; taxRateBp: number };

export type VatGroup = { rateBp: number; netOre: number; vatOre: number; grossOre: number };

export type CartTotals = {
  itemCount: number;
  totalOre: number;
  vatOre: number;
  /** VAT per rate, highest rate first, computed on the summed gross of each rate. */
  vat: VatGroup[];
};

export const MAX_LINE_QUANTITY = 99;

export function lineTotalOre(line: PricedLine): number {
  return line.unitPriceOre * line.quantity;
}

export function cartTotals(lines: readonly PricedLine[]): CartTotals {
  const grossByRate = new Map<number, number>();
  let itemCount = 0;
  let totalOre = 0;
  for (const line of lines) {
    const gross = lineTotalOre(line);
    itemCount += line.quantity;
    totalOre += gross;
    grossByRate.set(line.taxRateBp, (grossByRate.get(line.taxRateBp) ?? 0) + gross);
  }
  const vat = [...grossByRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBp, grossOre]) => {
      const vatOre = vatOfGross(grossOre, rateBp);
      return { rateBp, grossOre, vatOre, netOre: grossOre - vatOre };
    });
  return { itemCount, totalOre, vatOre: vat.reduce((sum, group) => sum + group.vatOre, 0), vat };
}
