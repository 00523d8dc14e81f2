import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { api, countRows, type Session, signUp } from '../../test/harness.ts';
import { detectDelimiter, looksLikeData } from './csv.ts';
import { decodeFile } from './encoding.ts';

type Json = Record<string, unknown>;

const post = (s: Session, body: string | Buffer, query = '', contentType = 'text/csv') =>
  api(s).post(`/imports/contacts${query}`, body, { 'content-type': contentType });

async function contactsOf(s: Session): Promise<Json[]> {
  const r = await api(s).get('/contacts?limit=200&sort=createdAt');
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data;
}

const text = (d: { utf8: Buffer }) => d.utf8.toString('utf8');

// Text long enough for statistics, as a person's contact list has it.
const german =
  'Vorname;Nachname;E-Mail;Firma\nJürgen;Müller;jm@example.de;Bäckerei Größe\nGünther;Schäfer;gs@example.de;Straßenbau Öhringen\n';
const quoted = 'Name,Notes\nAda,“Analytical” engines – 50 € a week\nZoë,Öl & Gas\n';
const japanese =
  '姓,名,メールアドレス,会社名\n山田,太郎,taro@example.jp,株式会社サンプル\n佐藤,花子,hanako@example.jp,東京商事株式会社\n鈴木,一郎,ichiro@example.jp,大阪電気工業\n';
const simplified =
  '姓,名,电子邮件,公司\n王,小明,xm@example.cn,北京科技有限公司\n李,华,lh@example.cn,上海贸易有限公司\n张,伟,zw@example.cn,广州电子科技公司\n';
const traditional =
  '姓,名,電子郵件,公司\n陳,美玲,ml@example.tw,台北科技股份有限公司\n林,志明,zm@example.tw,高雄貿易有限公司\n黃,淑芬,sf@example.tw,台中電子工業公司\n';
const korean =
  '성,이름,이메일,회사\n김,민수,ms@example.kr,서울전자주식회사\n이,영희,yh@example.kr,부산무역주식회사\n박,지훈,jh@example.kr,대구기계공업\n';

describe('reading the bytes of a file', () => {
  it('detects Unicode by its byte order mark, or UTF-16 without one by its zero bytes', () => {
    const sample = 'Name,Email\nJürgen Müller,jm@example.de\n';
    expect(decodeFile(Buffer.from(`\uFEFF${sample}`, 'utf8'))).toMatchObject({ encoding: 'UTF-8' });
    expect(text(decodeFile(Buffer.from(`\uFEFF${sample}`, 'utf8')))).toBe(sample);
    for (const [enc, name] of [
      ['utf16le', 'UTF-16LE'],
      ['utf16be', 'UTF-16BE'],
    ]) {
      const withBom = decodeFile(iconv.encode(sample, enc, { addBOM: true }));
      expect(withBom.encoding).toBe(name);
      expect(text(withBom)).toBe(sample);
      const without = decodeFile(iconv.encode(sample, enc, { addBOM: false }));
      expect(without.encoding).toBe(name);
      expect(text(without)).toBe(sample);
    }
  });

  it('detects the legacy encodings of Western, Japanese, Chinese and Korean spreadsheets', () => {
    const cases: [string, string, string][] = [
      [german, 'windows-1252', 'ISO-8859-1'],
      [quoted, 'windows-1252', 'windows-1252'],
      [japanese, 'Shift_JIS', 'Shift_JIS'],
      [simplified, 'GB18030', 'GB18030'],
      [traditional, 'Big5', 'Big5'],
      [korean, 'EUC-KR', 'EUC-KR'],
    ];
    for (const [sample, written, reported] of cases) {
      const d = decodeFile(iconv.encode(sample, written));
      expect(d.encoding, written).toBe(reported);
      expect(text(d), written).toBe(sample);
    }
    const polish = 'Imię;Nazwisko;Firma\nŁukasz;Wróbel;Zakład Łódź\nZofia;Żółkiewska;Gęślarnia\nMałgorzata;Świątek;Źdźbło i Syn\n';
    const d = decodeFile(iconv.encode(polish, 'iso-8859-2'));
    expect(d.encoding).toBe('ISO-8859-2');
    expect(text(d)).toBe(polish);
  });

  it('decodes in the encoding it is told, and refuses a binary file', () => {
    const bytes = iconv.encode('Name\nMüller\n', 'latin1');
    expect(text(decodeFile(bytes, 'latin1'))).toBe('Name\nMüller\n');
    // Told UTF-8, the one Latin-1 byte is not readable and becomes U+FFFD; the row survives.
    expect(text(decodeFile(bytes, 'utf-8'))).toBe('Name\nM\uFFFDller\n');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(() => decodeFile(png)).toThrow(/NUL byte/);
    expect(() => decodeFile(Buffer.from('Email\nada@example.com\u0000\n'))).toThrow(/NUL byte \(line 2\)/);
  });

  it('finds the delimiter that splits every line alike', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe('comma');
    expect(detectDelimiter('a;b;c\n1,5;2,5;3\n')).toBe('semicolon');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('tab');
    expect(detectDelimiter('a|b|c\n1|2|3\n')).toBe('pipe');
    // "Name, full" has a comma too; the tab splits every line into as many cells.
    expect(detectDelimiter('Name, full\tEmail\nAda Lovelace\tada@example.com\n')).toBe('tab');
    // Quoted delimiters do not count.
    expect(detectDelimiter('"a;b";c,d\n"1;2";3,4\n')).toBe('comma');
    expect(detectDelimiter('single\nvalue\n')).toBe('comma');
  });

  it('tells a first row of data from a header', () => {
    expect(looksLikeData(['First name', 'Email', 'Phone'])).toBe(false);
    expect(looksLikeData(['Ada', 'Lovelace', 'ada@example.com'])).toBe(true);
    expect(looksLikeData(['Ada Lovelace', '+44 20 7946 0958'])).toBe(true);
    expect(looksLikeData(['Phone 1 - Value', 'Address 2'])).toBe(false);
  });
});

describe('files through the API', () => {
  it('imports a UTF-16 file, which was refused as "not a text CSV file"', async () => {
    const s = await signUp();
    const file = iconv.encode('First Name\tLast Name\tE-mail Address\nØyvind\tØdegård\toyvind@example.no\n', 'utf16le', { addBOM: true });
    const r = await post(s, file);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: 1, file: { encoding: 'UTF-16LE', delimiter: 'tab', header: true } });
    expect((await contactsOf(s))[0]).toMatchObject({ firstName: 'Øyvind', lastName: 'Ødegård' });
    // Tab-separated and plain-text types are files too.
    for (const type of ['text/tab-separated-values', 'text/plain; charset=utf-16le']) {
      const r = await post(
        s,
        iconv.encode('Email\tName\nx@example.no\tX\n', type.endsWith('16le') ? 'utf16le' : 'utf8'),
        '?dedupe=none',
        type,
      );
      expect(r.statusCode, `${type}: ${r.body}`).toBe(201);
    }
  });

  it('reports what it detected in a dry run, and takes the encoding, delimiter and header it is told', async () => {
    const s = await signUp();
    const file = iconv.encode('Nachname;Vorname;E-Mail\nMüller;Jürgen;jm@example.de\n', 'win1252');
    const dry = await post(s, file, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ created: 1, file: { delimiter: 'semicolon', header: true } });
    expect(['windows-1252', 'ISO-8859-1']).toContain(dry.json().file.encoding);
    expect(dry.json().columns).toEqual({ Nachname: 'lastName', Vorname: 'firstName', 'E-Mail': 'email' });
    // Told the wrong delimiter, the whole line is one column that names nothing.
    const wrong = await post(s, file, '?delimiter=comma');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].code).toBe('no_usable_column');
    // Told the encoding, it is used even where detection would say otherwise.
    const told = await post(s, file, '?encoding=ISO-8859-15');
    expect(told.statusCode, told.body).toBe(201);
    expect(told.json().file.encoding).toBe('ISO-8859-15');
    expect((await contactsOf(s))[0]).toMatchObject({ firstName: 'Jürgen', lastName: 'Müller' });
  });

  it('reads a file without a header row: detected, or told, mapped by what the columns hold or by position', async () => {
    const s = await signUp();
    const detected = await post(s, 'Ada,Lovelace,ada@example.com,+44 20 7946 0958\nCharles,Babbage,charles@example.com,+44 20 7946 0959\n');
    expect(detected.statusCode, detected.body).toBe(201);
    expect(detected.json()).toMatchObject({ created: 2, file: { header: false } });
    expect(detected.json().columns).toEqual({ 'Column 1': 'firstName', 'Column 2': 'lastName', 'Column 3': 'email', 'Column 4': 'phone' });
    // No email or phone in the first row: the header is not detected away, but can be declared absent.
    const names = 'Hopper,Grace,navy\nLamarr,Hedy,film\n';
    const told = await post(s, names, '?header=false&columns=lastName,firstName,skip');
    expect(told.statusCode, told.body).toBe(201);
    expect(told.json()).toMatchObject({ created: 2, file: { header: false }, ignoredColumns: ['Column 3'] });
    const people = await contactsOf(s);
    expect(people.slice(2).map((p) => [p.firstName, p.lastName])).toEqual([
      ['Grace', 'Hopper'],
      ['Hedy', 'Lamarr'],
    ]);
    // Without a header the first row is row 1.
    const bad = await post(s, ',,x@y\nAlan,Turing,alan@example.com\n', '?header=false&columns=firstName,lastName,email');
    expect(bad.json().errors.map((e: Json) => e.row)).toEqual([1]);
  });

  it('maps columns by position when told, over the header, with labels', async () => {
    const s = await signUp();
    const r = await post(
      s,
      'A,B,C,D\nAda,ada@home.example,07700 900123,Analytical Engines\n',
      '?columns=firstName,email:home,phone:mobile,company&country=GB',
    );
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().columns).toEqual({ A: 'firstName', B: 'email', C: 'phone', D: 'company' });
    expect((await contactsOf(s))[0]).toMatchObject({
      firstName: 'Ada',
      emails: [{ label: 'home', value: 'ada@home.example' }],
      phones: [{ label: 'mobile', value: '07700 900123', e164: '+447700900123' }],
      companies: [{ name: 'Analytical Engines', isPrimary: true }],
    });
    const unknown = await post(s, 'A\nx\n', '?columns=nickname');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'query.columns', code: 'unknown_field' });
    expect(unknown.json().errors[0].message).toContain('"nickname"');
    expect(await countRows('contacts', s.workspaceId)).toBe(1);
  });
});
