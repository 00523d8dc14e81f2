import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, type Session, signUp } from '../../test/harness.ts';
import { components, parseVcards, unescapeText } from './vcard.ts';

type Json = Record<string, unknown> & {
  emails: { label: string; value: string }[];
  phones: { label: string; value: string; e164: string | null }[];
};

const corpus = (name: string) => readFileSync(join(import.meta.dirname, 'corpus', name));

async function importFile(s: Session, name: string, object: 'contacts' | 'companies' = 'contacts', query = '') {
  const r = await api(s).post(`/imports/${object}?fileName=${name}${query}`, corpus(name), { 'content-type': 'text/vcard' });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function contactsOf(s: Session): Promise<Json[]> {
  return (await api(s).get('/contacts?limit=200&sort=createdAt')).json().data;
}

const named = (list: Json[], last: string) => list.find((c) => c.lastName === last) as Json;
const labelled = (xs: { label: string; value: string }[]) => xs.map((x) => `${x.label}:${x.value}`);

describe('vCard import', () => {
  it('reads an iOS export: grouped emails with Apple labels, preferred first, ORG and TITLE, a company card left to the company import', async () => {
    const s = await signUp();
    const out = await importFile(s, 'ios-contacts.vcf');
    expect(out.file).toMatchObject({ format: 'vcard', encoding: 'UTF-8' });
    expect(out).toMatchObject({ created: 1, rejected: 1 });
    const ada = named(await contactsOf(s), 'Lovelace');
    expect(ada).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', title: 'Analyst' });
    expect(labelled(ada.emails)).toEqual(['work:ada@engines.example', 'home:ada.home@lovelace.example', 'chess club:ada@club.example']);
    expect(ada.phones.map((p) => [p.label, p.e164])).toEqual([
      ['mobile', '+447700900123'],
      ['main', '+442079460958'],
    ]);
    expect((ada.companies as { name: string }[]).map((c) => c.name)).toEqual(['Analytical Engines Ltd']);
    // The company card is no person: refused here with a pointer to the company import.
    expect(out.errors[0]).toMatchObject({ row: 3 });
    expect(out.warnings.map((w: { message: string }) => w.message)).toEqual(
      expect.arrayContaining([
        'card 2 (Analytical Engines Ltd) is an organisation (KIND:org), not a person: import the file as companies to add it',
      ]),
    );
    // The folded base64 PHOTO is Ada's picture now, byte for byte.
    const pic = await api(s).get(`/contacts/${ada.id}/photo`);
    expect(pic.statusCode).toBe(200);
    expect(pic.headers['content-type']).toBe('image/jpeg');
    const card = corpus('ios-contacts.vcf').toString('utf8');
    const base64 = /PHOTO;ENCODING=b;TYPE=JPEG:([\s\S]*?)\r?\n(?! )/.exec(card)?.[1].replace(/\s+/g, '') ?? '';
    expect(pic.rawPayload.equals(Buffer.from(base64, 'base64'))).toBe(true);
  });

  it('reads an Android 2.1 export: quoted-printable UTF-8 with soft line breaks, bare types, a national number', async () => {
    const s = await signUp();
    const out = await importFile(s, 'android-contacts.vcf', 'contacts', '&country=DE');
    expect(out).toMatchObject({ created: 2, rejected: 0 });
    const list = await contactsOf(s);
    const j = named(list, 'Müller');
    expect(j).toMatchObject({ firstName: 'Jürgen', title: 'Geschäftsführer' });
    expect(labelled(j.emails)).toEqual(['home:juergen@mueller.example', 'work:j.mueller@stahlwerk.example']);
    // The preferred number first; 030 … read in the import's country.
    expect(j.phones.map((p) => [p.label, p.e164])).toEqual([
      ['work', '+49305550101'],
      ['mobile', '+4915123456789'],
      // A home fax is a fax to the importer's labels.
      ['fax', '+49305550199'],
    ]);
    expect((j.companies as { name: string }[])[0].name).toBe('Stahlwerk Grünau GmbH');
    expect(named(list, 'Okafor')).toMatchObject({ firstName: 'Nia', emails: [{ value: 'nia@okafor.example' }] });
  });

  it('reads an Outlook 2.1 export in Windows-1252 quoted-printable', async () => {
    const s = await signUp();
    const out = await importFile(s, 'outlook-windows-1252.vcf');
    expect(out).toMatchObject({ created: 1, rejected: 0 });
    const b = named(await contactsOf(s), 'Schön');
    expect(b).toMatchObject({ firstName: 'Björn', title: 'Einkauf' });
    expect(b.emails.map((e) => e.value)).toEqual(['bjoern.schoen@mueller-soehne.example']);
    expect(b.phones.map((p) => [p.label, p.e164])).toEqual([
      ['work', '+49891234567'],
      ['mobile', '+491707654321'],
    ]);
    expect((b.companies as { name: string }[])[0].name).toBe('Müller & Söhne KG');
  });

  it('reads a Gmail export: custom labels, escaped text, a US number in national form', async () => {
    const s = await signUp();
    const out = await importFile(s, 'gmail-contacts.vcf', 'contacts', '&country=US');
    expect(out).toMatchObject({ created: 1, rejected: 0 });
    const g = named(await contactsOf(s), 'Hopper');
    expect(g).toMatchObject({ firstName: 'Grace', title: 'Computer scientist' });
    expect(labelled(g.emails)).toEqual(['work:grace@navy.example', 'committee:grace@cobol.example']);
    expect(g.phones.map((p) => [p.label, p.value, p.e164])).toEqual([
      ['mobile', '(212) 555-0147', '+12125550147'],
      ['pentagon desk', '+1 202 555 0100', '+12025550100'],
    ]);
    expect((g.companies as { name: string }[])[0].name).toBe('US Navy');
  });

  it('imports KIND:org and Apple company cards as companies, and a person’s ORG as their company', async () => {
    const s = await signUp();
    const out = await importFile(s, 'vcard-4.0-nextcloud.vcf', 'companies');
    expect(out).toMatchObject({ created: 1, duplicates: 1, rejected: 0 });
    const ios = await importFile(s, 'ios-contacts.vcf', 'companies');
    expect(ios).toMatchObject({ created: 1, duplicates: 1 });
    const companies = (await api(s).get('/companies?limit=50&sort=name')).json().data as Json[];
    expect(companies.map((c) => c.name)).toEqual(['Analytical Engines Ltd', 'Orbital Mechanics Inc.']);
    expect(companies[1]).toMatchObject({
      domain: 'orbits.example',
      phone: '+1-757-555-0100',
      address: { street: '100 Launch Rd', city: 'Hampton', region: 'VA', postalCode: '23666', country: 'USA' },
    });
    expect(companies[0]).toMatchObject({ domain: 'engines.example', address: { city: 'Manchester' } });
  });

  it('imports what it can of broken cards, with warnings naming the card and property, never a 500', async () => {
    const s = await signUp();
    const out = await importFile(s, 'broken.vcf');
    expect(out).toMatchObject({ created: 3, rejected: 0 });
    const messages = out.warnings.map((w: { message: string }) => w.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'card 1 (Bea Broken): has no END:VCARD before the next card (line 6); read up to there',
        'card 1 (Bea Broken), TEL: holds a broken quoted-printable escape; read as written',
        'card 2 (Carl Charset), ORG: names a character set we do not know (X-MADE-UP); read as UTF-8',
        'card 2 (Carl Charset): line 10 is not a property (no "name:value"); left out',
        'card 3 (Lou Last): has no END:VCARD at the end of the file; read up to there',
      ]),
    );
    expect((await contactsOf(s)).map((c) => c.emails[0].value).sort()).toEqual([
      'bea@broken.example',
      'carl@charset.example',
      'lou@last.example',
    ]);
    // The errors CSV lists them too, before the rows.
    const csv = (await api(s).get(`/imports/${out.importId}/errors.csv`)).body;
    expect(csv).toContain('has no END:VCARD at the end of the file');
    // Garbage that only starts like a vCard is no 500.
    const junk = await api(s).post('/imports/contacts', Buffer.from('BEGIN:VCARD\r\n\u0001\u0002;;;:\r\n:::\r\n'), {
      'content-type': 'text/vcard',
    });
    expect(junk.statusCode).toBeLessThan(500);
  });

  it('previews a vCard file with the mapping screen’s columns and its notes', async () => {
    const s = await signUp();
    const r = await api(s).post('/imports/preview?object=contact', corpus('broken.vcf'), { 'content-type': 'text/vcard' });
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json();
    expect(p.file).toMatchObject({ format: 'vcard', header: true, delimiter: 'comma' });
    expect(p.columns.find((c: { header: string }) => c.header === 'E-mail 1 - Value')).toMatchObject({
      field: 'email',
      samples: ['bea@broken.example', 'carl@charset.example', 'lou@last.example'],
    });
    expect(p.notes.length).toBeGreaterThanOrEqual(4);
    expect(p.rows).toHaveLength(3);
  });

  it('fills custom fields from BDAY and NOTE when the mapping makes them, as the screen offers', async () => {
    const s = await signUp();
    const preview = (
      await api(s).post('/imports/preview?object=contact', corpus('gmail-contacts.vcf'), { 'content-type': 'text/vcard' })
    ).json();
    const at = (h: string) => preview.columns.findIndex((c: { header: string }) => c.header === h);
    const mapping = JSON.stringify({
      columns: [
        { index: at('Birthday'), newField: { label: 'Birthday', type: 'date' } },
        { index: at('Notes'), newField: { label: 'Notes', type: 'text' } },
      ],
    });
    const r = await api(s).post(`/imports/contacts?mapping=${encodeURIComponent(mapping)}`, corpus('gmail-contacts.vcf'), {
      'content-type': 'text/vcard',
    });
    expect(r.statusCode, r.body).toBe(201);
    const g = named(await contactsOf(s), 'Hopper');
    expect(g.custom).toEqual({ birthday: '1906-12-09', notes: 'Invented the first compiler; coined "debugging".' });
  });

  it('reads its own vCard export back: every contact, field by field', async () => {
    const s = await signUp();
    await importFile(s, 'android-contacts.vcf', 'contacts', '&country=DE');
    await importFile(s, 'gmail-contacts.vcf', 'contacts', '&country=US');
    const before = await contactsOf(s);
    const exported = await api(s).get('/contacts/export?format=vcard');
    expect(exported.statusCode).toBe(200);
    const t = await signUp();
    const r = await api(t).post('/imports/contacts', exported.body, { 'content-type': 'text/vcard' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: before.length, rejected: 0 });
    const after = await contactsOf(t);
    const shape = (c: Json) => ({
      name: [c.firstName, c.lastName],
      title: c.title,
      emails: labelled(c.emails),
      phones: c.phones.map((p) => p.e164),
      companies: (c.companies as { name: string }[]).map((x) => x.name),
    });
    const byLast = (xs: Json[]) => [...xs].sort((a, b) => String(a.lastName).localeCompare(String(b.lastName))).map(shape);
    expect(byLast(after)).toEqual(byLast(before));
  });

  it('unfolds, unescapes and splits structured values', () => {
    const { cards, problems } = parseVcards(
      'BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:one\\, two\\;\r\n  three\\nfour\r\nADR:;;1 Main St\\; Rear;Town;;;\r\nEND:VCARD\r\n',
    );
    expect(problems).toEqual([]);
    const note = cards[0].properties.find((p) => p.name === 'NOTE');
    expect(unescapeText(note?.value ?? '')).toBe('one, two; three\nfour');
    expect(components(cards[0].properties.find((p) => p.name === 'ADR')?.value ?? '')).toEqual([
      '',
      '',
      '1 Main St; Rear',
      'Town',
      '',
      '',
      '',
    ]);
  });
});
