import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { giveRole, openRights } from '../../test/roles.ts';
import { objectDefs } from '../registry.ts';
import { fold, queryWords, spellings } from './search.service.ts';

type Hit = { type: string; id: string; title: string; subtitle: string | null; matched: string };

const find = async (s: Session, q: string, extra = ''): Promise<Hit[]> => {
  const r = await api(s).get(`/search?q=${encodeURIComponent(q)}${extra}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data;
};
const titles = (hits: Hit[]) => hits.map((h) => h.title);

async function workspace() {
  const s = await signUp();
  const c = api(s);
  const ada = (
    await c.post('/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ label: 'work', value: 'ada@analytical.example' }],
      phones: [{ label: 'work', value: '+44 20 7946 0958' }],
    })
  ).json();
  const jurgen = (await c.post('/contacts', { firstName: 'Jürgen', lastName: 'Müller-Lüdenscheidt' })).json();
  await c.post('/contacts', { firstName: 'Adalbert', lastName: 'Stifter' });
  const acme = (await c.post('/companies', { name: 'Analytical Engines Ltd', domain: 'analytical.example' })).json();
  await c.post('/leads', { firstName: 'Grace', lastName: 'Hopper', companyName: 'Navy Labs', email: 'grace@navy.example' });
  return { s, ada, jurgen, acme };
}

describe('search', () => {
  it('finds people by a prefix of any name part, email, domain or phone number', async () => {
    const { s, ada, acme } = await workspace();
    expect(titles(await find(s, 'ada'))).toEqual(['Ada Lovelace', 'Adalbert Stifter']); // exact word first
    expect((await find(s, 'love'))[0].id).toBe(ada.id);
    expect((await find(s, 'ada@ana'))[0]).toMatchObject({
      id: ada.id,
      matched: 'ada@analytical.example',
      subtitle: 'ada@analytical.example',
    });
    // A domain finds the company by its domain and the people who write from it.
    const byDomain = await find(s, 'analytical.ex');
    expect(byDomain.map((h) => h.id).sort()).toEqual([ada.id, acme.id].sort());
    // Phone numbers are matched on their digits, however they are typed.
    expect((await find(s, '+44 20 7946'))[0].id).toBe(ada.id);
    expect((await find(s, '(020) 7946')).length).toBe(0); // a national prefix is a different number
    // Company names and lead company names.
    expect((await find(s, 'engi'))[0].id).toBe(acme.id);
    expect(await find(s, 'navy lab')).toMatchObject([{ type: 'lead', title: 'Grace Hopper', subtitle: 'Navy Labs' }]);
  });

  it('knows which fields every searchable object’s terms and subtitle are made of', () => {
    for (const def of Object.values(objectDefs)) {
      if (!def.search) continue;
      expect(def.search.reads, `${def.type}: search.reads`).toBeDefined();
      for (const f of Object.values(def.search.reads?.kinds ?? {})
        .flat()
        .concat(def.search.reads?.subtitle ?? []))
        expect(def.apiFields ?? Object.keys(def.fields), `${def.type}.${f}`).toContain(f);
    }
  });

  it('finds nothing by a field the role hides, and shows no subtitle made of one', async () => {
    const { s, ada, acme } = await workspace();
    const me = await addMember(s, 'member', 'Nora Noemail');
    await giveRole(s, me.memberId, 'No emails or phones', { contact: { ...openRights, fields: { emails: 'hidden', phones: 'hidden' } } });
    // By name: found, without the subtitle (the email).
    expect(await find(me, 'lovelace')).toMatchObject([{ id: ada.id, title: 'Ada Lovelace', subtitle: null }]);
    expect(await find(me, 'lovelcae')).toMatchObject([{ id: ada.id, subtitle: null }]); // a slip, read by the close search
    // By the hidden email, its domain or the hidden phone: not found (the hit would tell the value).
    // The company is still found by its own domain.
    expect(await find(me, 'ada@ana')).toEqual([]);
    expect((await find(me, 'analytical.ex')).map((h) => h.id)).toEqual([acme.id]);
    expect(await find(me, '+44 20 7946')).toEqual([]);
    expect(await find(me, 'ada analytical')).toEqual([]); // the second word checked against hidden terms neither
    expect(await find(me, 'lovelace analyticla')).toEqual([]);
    // The owner, whose role hides nothing, finds her by all of them.
    expect((await find(s, 'ada@ana'))[0]).toMatchObject({ id: ada.id, subtitle: 'ada@analytical.example' });
    expect((await find(s, 'ada analytical')).map((h) => h.id)).toEqual([ada.id]);
    expect((await find(s, '+44 20 7946'))[0].id).toBe(ada.id);
  });

  it('ignores case and accents, and splits hyphenated names', async () => {
    const { s, jurgen } = await workspace();
    for (const q of ['jurg', 'JÜRG', 'mull', 'Mül', 'lud', 'müller-l'])
      expect(
        (await find(s, q)).map((h) => h.id),
        q,
      ).toEqual([jurgen.id]);
  });

  it('needs every word of the query to match the same record', async () => {
    const { s, ada } = await workspace();
    expect((await find(s, 'ada love')).map((h) => h.id)).toEqual([ada.id]);
    expect((await find(s, 'love ada')).map((h) => h.id)).toEqual([ada.id]);
    expect(await find(s, 'ada hopper')).toEqual([]);
  });

  it('finds people by close spellings when the prefixes find too few: swapped, doubled and wrong letters', async () => {
    const { s, ada } = await workspace();
    const c = api(s);
    const john = (await c.post('/contacts', { firstName: 'John', lastName: 'Smith' })).json();
    const jon = (await c.post('/contacts', { firstName: 'Jon', lastName: 'Smithers' })).json();
    expect((await find(s, 'jhon smtih')).map((h) => h.id)).toEqual([john.id]);
    expect((await find(s, 'Smtih')).map((h) => h.id)).toEqual([john.id]);
    expect((await find(s, 'johhn')).map((h) => h.id)).toEqual([john.id]);
    expect((await find(s, 'lovelcae'))[0].id).toBe(ada.id);
    expect((await find(s, 'smyth')).map((h) => h.id)).toContain(john.id); // one letter wrong in a longer word (trigrams)
    // A prefix hit comes before a close spelling: "smith" starts Smithers, and is a close spelling of nothing else.
    expect((await find(s, 'smith')).map((h) => h.id)).toEqual([john.id, jon.id]);
    expect((await find(s, 'johm smith')).map((h) => h.id)).toEqual([john.id]); // a wrong letter
    // Words under four letters are never read as slips (Algolia's rule too): "jon" is Jon, not John without its h.
    expect((await find(s, 'jon smith')).map((h) => h.id)).toEqual([jon.id]);
    // Every word must still match the same record, and nothing far off is offered.
    expect(await find(s, 'jhon hopper')).toEqual([]);
    expect(await find(s, 'xqzw')).toEqual([]);
    // Close spellings never cross into another workspace.
    const stranger = await signUp({ workspaceName: 'Elsewhere' });
    expect(await find(stranger, 'jhon smtih')).toEqual([]);
  });

  it('spells a word every way one slip of the keyboard away', () => {
    const jhon = spellings('jhon');
    for (const w of ['john', 'jon', 'jhonn', 'jhan', 'ajhon']) expect(jhon).toContain(w); // swapped, dropped, doubled, wrong, extra
    expect(jhon).not.toContain('jhon');
    expect(new Set(jhon).size).toBe(jhon.length);
    expect(spellings('johhn')).toContain('john');
    expect(spellings('jürg')).toContain('jurg');
    expect(spellings('ada')).toEqual([]); // too short to tell a slip from another name
    expect(spellings('a'.repeat(31))).toEqual([]); // no name is that long: the probes would cost more than they find
  });

  it('filters by type and honours the limit', async () => {
    const { s, acme } = await workspace();
    expect((await find(s, 'analytical', '&types=company')).map((h) => h.id)).toEqual([acme.id]);
    expect((await find(s, 'ada', '&limit=1')).length).toBe(1);
    const bad = await api(s).get('/search?q=ada&types=contact,secrets');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toContain('types');
    expect((await api(s).get('/search?q=')).statusCode).toBe(400);
    expect((await api(s).get('/search?q=ada&limit=51')).statusCode).toBe(400);
  });

  it('treats LIKE wildcards as the characters they are', async () => {
    const { s } = await workspace();
    // Unescaped, each of these would match "ada lovelace" or "ada@analytical.example".
    expect(await find(s, 'a_a')).toEqual([]);
    expect(await find(s, 'a%l')).toEqual([]);
    // "a\\da" is "ada" with a stray character, a close spelling of Ada's first name; unescaped, its
    // prefix "ada%" would find Adalbert as well. ("a_a" is too short to be read as a slip.)
    expect(titles(await find(s, 'a\\da'))).toEqual(['Ada Lovelace']);
    expect(await find(s, '%')).toEqual([]);
  });

  it('follows every write in the same transaction: rename, delete, restore', async () => {
    const { s, ada } = await workspace();
    const c = api(s);
    const renamed = await c.patch(`/contacts/${ada.id}`, { lastName: 'King', version: ada.version });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await find(s, 'lovelace')).toEqual([]);
    expect((await find(s, 'king'))[0].title).toBe('Ada King');
    await c.delete(`/contacts/${ada.id}`);
    expect(await find(s, 'king')).toEqual([]);
    await c.post(`/contacts/${ada.id}/restore`, {});
    expect((await find(s, 'king')).map((h) => h.id)).toEqual([ada.id]);
  });

  it('never shows another workspace its records', async () => {
    const { ada } = await workspace();
    const stranger = await signUp({ workspaceName: 'Elsewhere' });
    await api(stranger).post('/contacts', { firstName: 'Adam', lastName: 'Other' });
    const hits = await find(stranger, 'ada');
    expect(hits.map((h) => h.title)).toEqual(['Adam Other']);
    expect(JSON.stringify(hits)).not.toContain(ada.id);
  });

  it('folds a query in JavaScript exactly as rapport_fold folds the index in SQL', async () => {
    const db = await testDatabase();
    const samples = [
      'Ada LOVELACE',
      'Jürgen Müller-Lüdenscheidt',
      'ÉCOLE Ørsted ĐORĐE',
      'Łukasz Żółć',
      'ΆΝΝΑ Σοφία',
      'ДМИТРИЙ Ёлкин',
      'İstanbul ıI',
      'Straße ẞ',
      '東京 café',
      'x\u0301y',
    ];
    // Every character either side of the map, one string each.
    for (let c = 0x20; c < 0x2000; c++) if (c < 0xd800) samples.push(`A${String.fromCodePoint(c)}z`);
    const [{ folded }] = await db.query<{ folded: string[] }>('select array(select rapport_fold(s) from unnest($1::text[]) s) as folded', [
      samples,
    ]);
    expect(samples.map(fold)).toEqual(folded);
  });

  it('reads a query as words, or as one phone number', () => {
    expect(queryWords('  ada   lovelace ')).toEqual(['lovelace', 'ada']);
    expect(queryWords('+1 (555) 010-9999')).toEqual(['15550109999']);
    expect(queryWords('a b c d e f g').length).toBe(5);
    expect(queryWords('Hahn, Kuhn - Stark')).toEqual(['stark', 'hahn', 'kuhn'].map((w) => w[0].toUpperCase() + w.slice(1)));
    expect(queryWords("o'brien ada@acme")).toEqual(['ada@acme', "o'brien"]);
    expect(queryWords('%%')).toEqual([]);
  });
});
