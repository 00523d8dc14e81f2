/** A contact's or lead's display name: the name if there is one, else the first email. */
export function contactName(c: {
  firstName?: string | null;
  lastName?: string | null;
  emails?: { value: string }[];
  email?: string | null;
}) {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return name || c.emails?.[0]?.value || c.email || '—';
}
