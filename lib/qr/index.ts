// QR codes rendered on the server as SVG, so the pay page ships no QR library to the browser.
import QRCode from 'qrcode';

/** An SVG of exactly `text` (no re-casing, no re-encoding: PROTOCOL.md §6.1 step 3). */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'L', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
}

/** The SVG, or null for a text no QR code can hold (too long, empty): the page says so instead. */
export async function qrSvgOrNull(text: string): Promise<string | null> {
  if (text === '') return null;
  try {
    return await qrSvg(text);
  } catch {
    return null;
  }
}
