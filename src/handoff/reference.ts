/**
 * The case reference a person is given ("3F9A-12C4"): the first eight hex digits of the case id,
 * read aloud on the phone and typed into the console's search. Not a secret and not unique by
 * construction; with random UUIDs a clash inside one Helpdesk's retained cases is negligible, and
 * the console lists every match.
 */
export function caseReference(caseId: string): string {
  const hex = caseId.replace(/-/g, '').slice(0, 8).toUpperCase();
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}

/** A reference as typed by staff ("3f9a12c4", "3F9A-12C4", " 3f9a 12c4 ") → the id prefix, or undefined. */
export function referencePrefix(typed: string): string | undefined {
  const hex = typed.replace(/[\s-]/g, '').toLowerCase();
  return /^[0-9a-f]{8}$/.test(hex) ? hex : undefined;
}
