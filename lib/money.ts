// Money is an integer number of öre (minor units) everywhere inside the shop. These helpers are
// the only places that turn it into text: for people (Intl) and for SEQR (exact decimal strings).

export const CURRENCY = 'SEK';

export function isOre(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function assertOre(value: number, what = 'amount'): void {
  if (!isOre(value)) throw new RangeError(`${what} must be a whole number of öre, got ${value}`);
}

const formatters = new Map<string, Intl.NumberFormat>();

/** "1 234,50 kr" in Swedish; other locales get their own conventions for the same SEK amount. */
export function formatMoney(ore: number, locale = 'sv-SE', currency = CURRENCY): string {
  assertOre(ore);
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  // Dividing an integer by 100 and letting Intl round to 2 decimals is exact for display.
  return formatter.format(ore / 100);
}

/** 1999 -> "19.99", -5 -> "-0.05": SEQR's xs:decimal text, built from integers only. */
export function oreToDecimalString(ore: number): string {
  assertOre(ore);
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  const kronor = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${kronor}.${rest.toString().padStart(2, '0')}`;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * "19.99" -> 1999, "20" -> 2000, "19.9" -> 1990, "19.990" -> 1999.
 * Rejects text that is not a plain decimal or that has non-zero digits past the öre.
 */
export function decimalStringToOre(text: string): number {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) throw new RangeError(`"${text}" has more than two decimals`);
  const ore = Number(whole) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  if (!Number.isSafeInteger(ore)) throw new RangeError(`"${text}" is too large`);
  return sign === '-' && ore !== 0 ? -ore : ore;
}

/**
 * The VAT contained in a VAT-inclusive amount, rounded half up to the öre.
 * rateBp is the rate in basis points (2500 = 25 %).
 */
export function vatOfGross(grossOre: number, rateBp: number): number {
  assertOre(grossOre, 'gross amount');
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > 10000) throw new RangeError(`VAT rate ${rateBp} bp is out of range`);
  const sign = grossOre < 0 ? -1 : 1;
  const g = Math.abs(grossOre);
  const denominator = 10000 + rateBp;
  // Integer round-half-up of g * rate / (1 + rate); operands stay far below 2^53.
  return sign * Math.floor((2 * g * rateBp + denominator) / (2 * denominator));
}

/** "25 %" style label for a VAT rate in basis points. */
export function formatVatRate(rateBp: number, locale = 'sv-SE'): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(rateBp / 10000);
}

/** Digits with optional thousands groups of three (space, no-break or narrow no-break space). */
const KRONOR_INPUT = /^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d{1,2}))?$/;

/**
 * An amount a person typed in kronor -> öre: "1346,50", "1 346,50" (as sv-SE prints it) and
 * "1346.50" all give 134650. Null for anything else: other separators, more than two decimals,
 * signs, or more than 9 digits of kronor.
 */
export function parseKronorInput(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const match = KRONOR_INPUT.exec(text.trim());
  if (!match) return null;
  const kronor = match[1]!.replace(/[ \u00a0\u202f]/g, '');
  if (kronor.length > 9) return null;
  return Number(kronor) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
