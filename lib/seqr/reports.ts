// SEQR's reconciliation reports (PROTOCOL.md §6.9) are XML: a Meta block and one Row per line.
import { XMLParser } from 'fast-xml-parser';

export type ParsedReport = { title?: string; root: string; meta: Record<string, string>; columns: string[]; rows: Record<string, string>[] };

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => name === 'Row' });

/** A reconciliation report's XML as a table: its Meta block and one record per Row. */
export function parseReportXml(xml: string): ParsedReport {
  const document = parser.parse(xml) as Record<string, unknown>;
  const root = Object.keys(document).find((key) => !key.startsWith('?'));
  if (!root) throw new Error('The report has no root element.');
  const body = (document[root] ?? {}) as { Meta?: Record<string, unknown>; Row?: Record<string, unknown>[] };
  const flat = (record: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, typeof value === 'object' ? JSON.stringify(value) : String(value)]));
  const rows = (body.Row ?? []).map(flat);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return { root, meta: flat(body.Meta), columns, rows };
}

