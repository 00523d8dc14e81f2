import { describe, expect, it } from 'vitest';
import { api, signUp } from '../../test/harness.ts';
import { contactVcard, foldLine } from './contact-vcard.ts';

/** A vCard's lines unfolded (a CRLF and one space join a line to the one before). */
const unfold = (text: string) => text.replace(/\r\n /g, '').split('\r\n').filter(Boolean);

describe('contacts as vCards', () => {
  it('exports a filtered contact list as vCard 3.0, one card per contact, every value escaped', async () => {
    const s = await signUp();
    const c = api(s);
    const company = await c.post('/companies', { name: 'Initech; Ltd' });
    expect(company.statusCode).toBe(201);
    const ada = await c.post('/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace, Countess',
      emails: [
        { label: 'work', value: 'ada@initech.example' },
        { label: 'home', value: 'ada@home.example' },
      ],
      phones: [{ label: 'mobile', value: '+44 20 7946 0958' }],
      title: 'Analyst',
      address: { street: '1 Main St', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
      companies: [{ companyId: company.json().id, isPrimary: true }],
    });
    expect(ada.statusCode, ada.body).toBe(201);
    expect((await c.post('/contacts', { firstName: 'Not', lastName: 'Exported' })).statusCode).toBe(201);
    const filter = encodeURIComponent(JSON.stringify({ field: 'firstName', op: 'eq', value: 'Ada' }));
    const r = await c.get(`/contacts/export?format=vcard&filter=${filter}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/vcard; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="contacts.vcf"');
    const lines = unfold(r.body);
    expect(lines.filter((l) => l === 'BEGIN:VCARD')).toHaveLength(1);
    expect(lines).toEqual(
      expect.arrayContaining([
        'VERSION:3.0',
        `UID:${ada.json().id}`,
        'FN:Ada Lovelace\\, Countess',
        'N:Lovelace\\, Countess;Ada;;;',
        'EMAIL;TYPE=INTERNET;TYPE=WORK:ada@initech.example',
        'EMAIL;TYPE=INTERNET;TYPE=HOME:ada@home.example',
        'TEL;TYPE=CELL:+442079460958',
        'ORG:Initech\\; Ltd',
        'TITLE:Analyst',
        'ADR;TYPE=WORK:;;1 Main St;London;;N1 9GU;GB',
        'END:VCARD',
      ]),
    );
  });

  it('folds long lines at 75 octets without splitting a character', () => {
    const long = `NOTE:${'ü'.repeat(100)}`;
    const folded = foldLine(long);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(long);
    expect(contactVcard({ id: 'x', firstName: 'A\nB' })).toContain('FN:A\\nB');
  });
});
