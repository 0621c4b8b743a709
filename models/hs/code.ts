/**
 * Normalises a customs code as people write it ("6109.10.00.12", "6109 10", "610910") to its
 * HS6 digits. Returns undefined when the input is not 6 to 10 digits once dots, spaces and
 * dashes are removed; whether the HS6 exists in the nomenclature is the caller's check.
 */
export function toHs6(raw: string): string | undefined {
  const digits = raw.trim().replace(/[.\s-]/g, '');
  if (!/^\d{6,10}$/.test(digits)) return undefined;
  return digits.slice(0, 6);
}

export const hs4Of = (hs6: string): string => hs6.slice(0, 4);
export const hs2Of = (hs6: string): string => hs6.slice(0, 2);
