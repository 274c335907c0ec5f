// QR codes rendered on the server as SVG, so the pay page ships no QR library to the browser.
import QRCode from 'qrcode';

/** An SVG of exactly `text` (no re-casing, no re-encoding: PROTOCOL.md §6.1 step 3). */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'L', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
}
