// `npm run seqr:certify`: SEQR's six webshop certification steps through the shop's own client,
// against the configured endpoint. With the local sandbox the customer is played through its
// control API; against a real SEQR a person scans the QR code (or opens the link) with the app.
import QRCode from 'qrcode';
import { ConfigError, getConfig } from '../lib/config';
import { getSeqrClient } from '../lib/seqr';
import { runCertification, type CertificationCustomer } from '../lib/seqr/certification';

function argument(name: string): string | undefined {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3);
}

async function main(): Promise<number> {
  const config = getConfig();
  const idleS = Number(argument('idle-seconds') ?? process.env.SEQR_CERTIFY_IDLE_S ?? 30);
  if (!Number.isFinite(idleS) || idleS < 0) throw new Error('--idle-seconds must be a number of seconds (30 in the procedure).');

  const customer: CertificationCustomer = config.seqr.usesSandbox
    ? {
        async pay(invoiceReference) {
          const response = await fetch(`${config.seqr.sandboxBaseUrl}/sandbox/invoices/${encodeURIComponent(invoiceReference)}/pay`, { method: 'POST' });
          if (!response.ok) throw new Error(`the sandbox could not pay ${invoiceReference}: HTTP ${response.status} ${await response.text()}`);
        },
      }
    : {
        async pay(invoiceReference, invoiceQRCode) {
          console.log(`\n  Scan this with the SEQR app and pay (invoice ${invoiceReference}, ${invoiceQRCode}):\n`);
          console.log(await QRCode.toString(invoiceQRCode, { type: 'terminal', small: true, errorCorrectionLevel: 'L' }));
          console.log('  Waiting up to 5 minutes for the payment…');
        },
      };

  console.log(`SEQR webshop certification against ${config.seqr.endpointUrl} (terminal ${config.seqr.terminalId})`);
  const steps = await runCertification({
    client: getSeqrClient(),
    customer,
    idleMs: idleS * 1000,
    payTimeoutMs: config.seqr.usesSandbox ? 30_000 : 300_000,
    onStep: (step) => console.log(`${step.ok ? '✔' : '✘'} ${step.step}: ${step.detail}`),
  });
  const failed = steps.filter((step) => !step.ok).length;
  console.log(failed === 0 ? `${steps.length} passed, 0 failed` : `${steps.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
