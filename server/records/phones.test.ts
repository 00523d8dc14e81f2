import { describe, expect, it } from 'vitest';
import { api, type Session, signUp } from '../test/harness.ts';
import { createOk } from '../test/samples.ts';
import { readPhone } from './phones.ts';

/** A workspace that reads national numbers as German ones. */
async function germanWorkspace() {
  const s = await signUp();
  const ws = (await api(s).get('/workspace')).json();
  const r = await api(s).patch('/workspace', { country: 'DE', version: ws.version });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.json().country).toBe('DE');
  return s;
}

const found = async (s: Session, q: string) =>
  ((await api(s).get(`/search?q=${encodeURIComponent(q)}`)).json().data as { id: string }[]).map((h) => h.id);

describe('phone numbers', () => {
  it('reads national numbers in the given country and international ones anywhere, keeping what was typed', () => {
    expect(readPhone('030 555 0101', 'DE')).toEqual({ value: '030 555 0101', e164: '+49305550101' });
    expect(readPhone('(212) 555-0147', 'US')).toEqual({ value: '(212) 555-0147', e164: '+12125550147' });
    expect(readPhone(' 06 12  34 56 78 ', 'FR')).toEqual({ value: '06 12 34 56 78', e164: '+33612345678' });
    expect(readPhone('+44 20 7946 0958', null)).toEqual({ value: '+44 20 7946 0958', e164: '+442079460958' });
    expect(readPhone('+44 20 7946 0958', 'DE')).toMatchObject({ e164: '+442079460958' });
    expect(readPhone('+49 30 5550101 ext. 12', 'DE')).toMatchObject({ value: '+49 30 5550101 ext. 12', e164: '+49305550101' });
  });

  it('says why a text is not a phone number', () => {
    expect(readPhone('030 555 0101', null)).toBe('INVALID_COUNTRY');
    expect(readPhone('12', 'DE')).toBe('TOO_SHORT');
    expect(readPhone('030 5550101 99999999999', 'DE')).toBe('TOO_LONG');
    expect(readPhone('call me', 'DE')).toBe('NOT_A_NUMBER');
    expect(readPhone('+999 1234', 'DE')).toBe('INVALID_COUNTRY');
  });

  it('a new workspace reads numbers in the country of its owner’s browser', async () => {
    const r = await api(null).post('/auth/signup', {
      name: 'Anna',
      email: `anna.${Date.now()}@example.test`,
      password: 'correct horse battery',
      workspaceName: 'Wien GmbH',
      locale: 'de-AT',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().workspace.country).toBe('AT');
    const plain = await signUp();
    expect((await api(plain).get('/workspace')).json().country).toBeNull();
  });

  it('refuses a country without a numbering plan, naming the field, and clears it with null', async () => {
    const s = await germanWorkspace();
    const ws = (await api(s).get('/workspace')).json();
    for (const country of ['XX', 'de', 'DEU', 12]) {
      const r = await api(s).patch('/workspace', { country, version: ws.version });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().errors[0].field).toBe('body.country');
    }
    const cleared = await api(s).patch('/workspace', { country: null, version: ws.version });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().country).toBeNull();
  });

  it('stores a contact’s national numbers as typed plus E.164, finds them in any form, and names each bad one', async () => {
    const s = await germanWorkspace();
    const c = api(s);
    const created = await c.post('/contacts', {
      firstName: 'Jürgen',
      phones: [
        { label: 'work', value: '030 555 0101' },
        { label: 'mobile', value: '+44 7700 900123' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().phones).toEqual([
      { label: 'work', value: '030 555 0101', e164: '+49305550101' },
      { label: 'mobile', value: '+44 7700 900123', e164: '+447700900123' },
    ]);
    const id = created.json().id;
    expect((await c.get(`/contacts/${id}`)).json().phones[0].e164).toBe('+49305550101');
    expect(((await c.get('/contacts')).json().data as { phones: unknown }[])[0].phones).toEqual(created.json().phones);

    for (const q of ['030 555', '0305550101', '+49 30 555', '49305550101', '+44 7700']) {
      expect(await found(s, q), q).toContain(id);
    }

    const bad = await c.patch(`/contacts/${id}`, {
      phones: [{ value: '030 555 0101' }, { value: '12' }, { value: '+999 1234' }],
      version: created.json().version,
    });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json().errors).toEqual([
      expect.objectContaining({ field: 'body.phones.1.value', code: 'phone', params: { reason: 'TOO_SHORT', country: 'DE' } }),
      expect.objectContaining({ field: 'body.phones.2.value', code: 'phone', params: { reason: 'INVALID_COUNTRY', country: 'DE' } }),
    ]);
    expect((await c.get(`/contacts/${id}`)).json().version).toBe(created.json().version);
  });

  it('reads the one phone of companies and leads, and a lead’s number survives its conversion', async () => {
    const s = await germanWorkspace();
    const c = api(s);
    const company = await c.post('/companies', { name: 'Grün AG', phone: '089 1234567' });
    expect(company.statusCode, company.body).toBe(201);
    expect(company.json()).toMatchObject({ phone: '089 1234567', phoneE164: '+49891234567' });
    const cleared = await c.patch(`/companies/${company.json().id}`, { phone: null, version: company.json().version });
    expect(cleared.json()).toMatchObject({ phone: null, phoneE164: null });
    const refused = await c.patch(`/companies/${company.json().id}`, { phone: '1', version: cleared.json().version });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ field: 'body.phone', code: 'phone' });

    const lead = await createOk(s, '/leads', { firstName: 'Lena', phone: '0171 2345678' });
    const read = (await c.get(`/leads/${lead.id}`)).json();
    expect(read).toMatchObject({ phone: '0171 2345678', phoneE164: '+491712345678' });
    expect(await found(s, '+49 171 234')).toContain(lead.id);
    const converted = await c.post(`/leads/${lead.id}/convert`, { version: read.version });
    expect(converted.statusCode, converted.body).toBe(200);
    const contact = (await c.get(`/contacts/${converted.json().contact.id}`)).json();
    expect(contact.phones).toEqual([{ label: 'work', value: '0171 2345678', e164: '+491712345678' }]);

    // The workspace moves to the US: a lead's national German number still means the German number.
    const lotte = (await c.post('/leads', { firstName: 'Lotte', phone: '0171 1111111' })).json();
    const ws = (await c.get('/workspace')).json();
    expect((await c.patch('/workspace', { country: 'US', version: ws.version })).statusCode).toBe(200);
    const moved = await c.post(`/leads/${lotte.id}/convert`, { version: lotte.version });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await c.get(`/contacts/${moved.json().contact.id}`)).json().phones[0].e164).toBe('+491711111111');
  });

  it('reads custom phone fields in the workspace’s country too', async () => {
    const s = await germanWorkspace();
    const c = api(s);
    const def = await c.post('/fields', { objectType: 'contact', key: 'assistant', label: 'Assistant', type: 'phone' });
    expect(def.statusCode, def.body).toBe(201);
    const ok = await c.post('/contacts', { firstName: 'A', custom: { assistant: '030 555 0199' } });
    expect(ok.statusCode, ok.body).toBe(201);
    const bad = await c.post('/contacts', { firstName: 'B', custom: { assistant: '12' } });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json().errors[0]).toMatchObject({
      field: 'body.custom.assistant',
      code: 'invalid_value',
      params: { type: 'phone', reason: 'TOO_SHORT', country: 'DE' },
    });
  });

  it('imports national numbers in the workspace’s country', async () => {
    const s = await germanWorkspace();
    const r = await api(s).post('/imports/contacts', 'First Name,Phone\nKlaus,030 555 0102\nKarl,+44 20 7946 0958\n', {
      'content-type': 'text/csv',
    });
    expect(r.statusCode, r.body).toBe(201);
    const list = (await api(s).get('/contacts?sort=firstName')).json().data as { firstName: string; phones: unknown }[];
    expect(list.map((x) => [x.firstName, x.phones])).toEqual([
      ['Karl', [{ label: 'work', value: '+44 20 7946 0958', e164: '+442079460958' }]],
      ['Klaus', [{ label: 'work', value: '030 555 0102', e164: '+49305550102' }]],
    ]);
  });
});
