import { integer, pick, type Random } from './choice';

const COUNTRIES = ['CHINA', 'VIETNAM', 'INDIA', 'TURKEY', 'BANGLADESH', 'THAILAND', 'MEXICO', 'POLAND'];
const ISO_CODES = ['CN', 'VN', 'IN', 'TR', 'TH', 'ID', 'MY', 'DE'];
const PORTS = ['NINGBO', 'SHENZHEN', 'HO CHI MINH', 'CHENNAI', 'IZMIR', 'ROTTERDAM'];

/**
 * What ends up after the goods description on real invoices and customs entries: packing,
 * order references, origin marks, and the importer's own question to the broker.
 */
export const INVOICE_SUFFIXES: ReadonlyArray<(random: Random) => string> = [
  (r) => `- ${pick([6, 10, 12, 20, 24, 36, 48, 50, 100], r)} PCS/CTN`,
  () => 'HS CODE?',
  (r) => `PO#${integer(10000, 99999, r)}`,
  (r) => `MADE IN ${pick(COUNTRIES, r)}`,
  (r) => `ORIGIN: ${pick(ISO_CODES, r)}`,
  (r) => `QTY ${integer(1, 60, r) * 10}`,
  (r) => `INV-${integer(1000, 9999, r)}`,
  () => 'NEW',
  () => 'SAMPLE - NO COMMERCIAL VALUE',
  (r) => `N.W. ${integer(1, 40, r)}.${integer(0, 9, r)}KG`,
  (r) => `FOB ${pick(PORTS, r)}`,
  (r) => `CTN ${integer(1, 9, r)}/${integer(10, 60, r)}`,
];

const SEPARATORS = [' ', ' - ', ', ', ' / '];

/** `text` with one invoice suffix appended. */
export function withInvoiceSuffix(text: string, random: Random): string {
  const suffix = pick(INVOICE_SUFFIXES, random)(random);
  const separator = suffix.startsWith('- ') ? ' ' : pick(SEPARATORS, random);
  return `${text}${separator}${suffix}`;
}
