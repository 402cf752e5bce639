/** A callback contact typed by a person: a Belgian phone number (E.164) or an e-mail address. */
export type Contact = { kind: 'phone'; value: string } | { kind: 'email'; value: string };

export function parseContact(text: string): Contact | undefined {
  const email = text.match(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u);
  if (email) return { kind: 'email', value: email[0].toLowerCase() };
  // "0470 12 34 56", "0470/12.34.56", "+32 470 12 34 56", "0032 2 123 45 67", "02 123 45 67"
  const m = text.match(/(?:\+|00)?[\d][\d\s./-]{7,18}\d/);
  if (!m) return undefined;
  let digits = m[0].replace(/[^\d+]/g, '');
  if (digits.startsWith('+32')) digits = digits.slice(3);
  else if (digits.startsWith('0032')) digits = digits.slice(4);
  else if (digits.startsWith('0')) digits = digits.slice(1);
  else return undefined;
  // Belgian national numbers: 8 digits (landline) or 9 digits starting with 4 (mobile).
  if (/^4\d{8}$/.test(digits) || /^[1-9]\d{7}$/.test(digits)) return { kind: 'phone', value: `+32${digits}` };
  return undefined;
}
