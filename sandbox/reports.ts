// Reconciliation reports for executeReport (PROTOCOL.md §6.9): the report ids SEQR used and
// well-formed versions of the sample XML layouts. Pure: the model hands in the transactions.

export interface ReportTransaction {
  at: number;
  terminalId: string;
  cashierId?: string;
  /** Positive for a payment, negative for a refund. */
  amountOre: number;
  ersReference: string;
}

export interface ReportDefinition {
  reportId: string;
  /** File-name stem used in the title, e.g. STD_RECON_006. */
  code: string;
  root: 'ResellerTransactionSummary' | 'TerminalTransactionSummary' | 'TransactionDetails' | 'CashierTransactionSummary';
  rows: 'summary' | 'perTerminal' | 'perCashier' | 'details';
  /** 006/007: one terminal; needs TERMINALID at markTransactionPeriod. */
  terminalReport: boolean;
}

export const REPORTS: readonly ReportDefinition[] = [
  { reportId: 'Reconciliation/Shop.xml', code: 'STD_RECON_001', root: 'ResellerTransactionSummary', rows: 'summary', terminalReport: false },
  { reportId: 'Reconciliation/STD_RECON_001.xml', code: 'STD_RECON_001', root: 'ResellerTransactionSummary', rows: 'summary', terminalReport: false },
  { reportId: 'Reconciliation/STD_RECON_002.xml', code: 'STD_RECON_002', root: 'TerminalTransactionSummary', rows: 'perTerminal', terminalReport: false },
  { reportId: 'Reconciliation/STD_RECON_003.xml', code: 'STD_RECON_003', root: 'TransactionDetails', rows: 'details', terminalReport: false },
  { reportId: 'Reconciliation/STD_RECON_004.xml', code: 'STD_RECON_004', root: 'CashierTransactionSummary', rows: 'perCashier', terminalReport: false },
  { reportId: 'Reconciliation/STD_RECON_005.xml', code: 'STD_RECON_005', root: 'TransactionDetails', rows: 'details', terminalReport: false },
  { reportId: 'Reconciliation/STD_RECON_006.xml', code: 'STD_RECON_006', root: 'TerminalTransactionSummary', rows: 'summary', terminalReport: true },
  { reportId: 'Reconciliation/STD_RECON_007.xml', code: 'STD_RECON_007', root: 'TransactionDetails', rows: 'details', terminalReport: true },
];

export interface ReportInput {
  resellerId: string;
  terminalId?: string;
  transactionPeriodId: string;
  generatedAt: number;
  transactions: ReportTransaction[];
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** öre -> "93.31000": the reports show amounts with 5 decimals. */
export function reportAmount(ore: number): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}000`;
}

/** yyyy-MM-dd HH:mm in UTC. */
function generatedAt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function summarize(transactions: ReportTransaction[]): { count: number; total: number } {
  return { count: transactions.length, total: transactions.reduce((sum, t) => sum + t.amountOre, 0) };
}

function groupBy(transactions: ReportTransaction[], key: (t: ReportTransaction) => string): Map<string, ReportTransaction[]> {
  const groups = new Map<string, ReportTransaction[]>();
  for (const t of transactions) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return groups;
}

const element = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;

/**
 * Refunds are transactions with negative amounts: in the detail reports they are their own rows
 * (with the refund's ersReference), and summaries count them and net them into SalesTotal.
 */
export function buildReport(definition: ReportDefinition, input: ReportInput): { title: string; contentString: string } {
  const meta = [
    element('ResellerId', input.resellerId),
    input.terminalId ? element('TerminalId', input.terminalId) : '',
    element('TransactionPeriodId', input.transactionPeriodId),
    element('GeneratedAt', generatedAt(input.generatedAt)),
  ].join('');
  const rows: string[] = [];
  const tx = input.transactions;
  switch (definition.rows) {
    case 'summary': {
      const { count, total } = summarize(tx);
      rows.push(`<Row>${element('SalesCount', String(count))}${element('SalesTotal', reportAmount(total))}</Row>`);
      break;
    }
    case 'perTerminal':
      for (const [terminalId, group] of groupBy(tx, (t) => t.terminalId)) {
        const { count, total } = summarize(group);
        rows.push(`<Row>${element('TerminalId', terminalId)}${element('SalesCount', String(count))}${element('SalesTotal', reportAmount(total))}</Row>`);
      }
      break;
    case 'perCashier':
      for (const [cashierId, group] of groupBy(tx, (t) => t.cashierId ?? 'NULL')) {
        const { count, total } = summarize(group);
        rows.push(`<Row>${element('CashierId', cashierId)}${element('SalesCount', String(count))}${element('SalesTotal', reportAmount(total))}</Row>`);
      }
      break;
    case 'details':
      for (const t of tx) {
        rows.push(
          `<Row>${element('TerminalId', t.terminalId)}${element('CashierId', t.cashierId ?? 'NULL')}${element('SalesAmount', reportAmount(t.amountOre))}${element('ErsReference', t.ersReference)}</Row>`,
        );
      }
      break;
  }
  const contentString = `<?xml version="1.0" encoding="UTF-8"?>\n<${definition.root}><Meta>${meta}</Meta>\n${rows.join('\n')}${rows.length ? '\n' : ''}</${definition.root}>`;
  return { title: `${definition.code}_${input.transactionPeriodId}.xml`, contentString };
}
