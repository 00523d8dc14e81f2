import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { api, type Session, signUp } from '../../test/harness.ts';

// Each file of corpus/ (see corpus/README.md for where each shape comes from) imported through the
// API as it is, bytes and all, and every contact or company read back field by field.

type Json = Record<string, unknown>;
const corpus = (name: string) => readFileSync(new URL(`./corpus/${name}`, import.meta.url));

/** A contact as the expectations below write it: labels and values in order, companies by name. */
interface Person {
  firstName: string | null;
  lastName: string | null;
  title?: string | null;
  emails: [label: string, value: string][];
  phones?: [label: string, value: string, e164: string | null][];
  companies?: string[];
  lifecycleStage?: string | null;
  source?: string | null;
}

const asPerson = (c: Json): Required<Person> => ({
  firstName: c.firstName as string | null,
  lastName: c.lastName as string | null,
  title: c.title as string | null,
  emails: (c.emails as { label: string; value: string }[]).map((e) => [e.label, e.value]),
  phones: (c.phones as { label: string; value: string; e164: string | null }[]).map((p) => [p.label, p.value, p.e164]),
  companies: (c.companies as { name: string }[]).map((l) => l.name),
  lifecycleStage: c.lifecycleStage as string | null,
  source: c.source as string | null,
});
const person = (p: Person): Required<Person> => ({ title: null, phones: [], companies: [], lifecycleStage: null, source: null, ...p });

async function importFile(s: Session, object: 'contacts' | 'companies', file: string, query = '') {
  const r = await api(s).post(`/imports/${object}?fileName=${encodeURIComponent(file)}${query}`, corpus(file), {
    'content-type': 'text/csv',
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function all(s: Session, object: 'contacts' | 'companies'): Promise<Json[]> {
  const r = await api(s).get(`/${object}?limit=200&sort=createdAt`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data;
}

interface ContactCase {
  file: string;
  query?: string;
  file_: { encoding: string; delimiter: string; header: boolean };
  people: Person[];
  companiesCreated: number;
  /** Some columns and what they filled (the rest are checked through the people read back). */
  columns?: Record<string, string>;
  ignored?: string[];
  warnings?: [row: number, field: string, value: string][];
}

const contactCases: ContactCase[] = [
  {
    file: 'google-contacts.csv',
    query: '&country=GB',
    file_: { encoding: 'UTF-8', delimiter: 'comma', header: true },
    columns: {
      'E-mail 1 - Label': 'email.label',
      'E-mail 1 - Value': 'email',
      'Phone 2 - Value': 'phone',
      'Organization Name': 'company',
      'Organization Title': 'title',
    },
    ignored: ['Name Prefix', 'Labels', 'Website 1 - Value', 'Address 1 - Formatted'],
    people: [
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        title: 'Chief Analyst',
        emails: [
          ['work', 'ada@engines.example'],
          ['home', 'ada@home.example'],
          ['home', 'countess@home.example'],
        ],
        phones: [
          ['mobile', '+44 7700 900123', '+447700900123'],
          ['work', '020 7946 0958', '+442079460958'],
        ],
        companies: ['Analytical Engines Ltd'],
      },
      {
        firstName: 'José',
        lastName: 'Núñez',
        emails: [['other', 'josé@exämple.de']],
        phones: [['main', '+49 30 5550101', '+49305550101']],
      },
      {
        firstName: 'Grace',
        lastName: 'Hopper',
        title: 'Rear Admiral',
        emails: [['work', 'grace@navy.example']],
        phones: [['fax', '+1 202 555 0182', '+12025550182']],
        // Named in lower case on this row: the company the first row created, not a second one.
        companies: ['Analytical Engines Ltd'],
      },
    ],
    companiesCreated: 1,
  },
  {
    file: 'google-contacts-legacy-shift_jis.csv',
    query: '&country=JP',
    file_: { encoding: 'Shift_JIS', delimiter: 'comma', header: true },
    columns: {
      'Organization 1 - Name': 'company',
      'Organization 1 - Title': 'title',
      'E-mail 1 - Type': 'email.label',
      'Given Name': 'firstName',
    },
    people: [
      {
        firstName: '太郎',
        lastName: '山田',
        title: '営業部長',
        emails: [['work', 'taro.yamada@sample.example']],
        phones: [
          ['mobile', '090-1234-5678', '+819012345678'],
          ['work', '03-1234-5678', '+81312345678'],
        ],
        companies: ['株式会社サンプル'],
      },
      {
        firstName: '花子',
        lastName: '佐藤',
        title: '課長',
        emails: [
          ['home', 'hanako@mail.example'],
          ['work', 'h.sato@tokyo-shoji.example'],
        ],
        phones: [['home', '06-6123-4567', '+81661234567']],
        companies: ['東京商事'],
      },
    ],
    companiesCreated: 2,
  },
  {
    file: 'outlook-windows-1252.csv',
    query: '&country=DE',
    file_: { encoding: 'windows-1252', delimiter: 'comma', header: true },
    columns: {
      'E-mail Address': 'email',
      'E-mail 2 Address': 'email',
      'Business Phone': 'phone',
      Company: 'company',
      'Job Title': 'title',
    },
    // Outlook's "Title" holds Herr, Dr., Frau: an honorific, not the job title.
    ignored: ['Title', 'E-mail Type', 'E-mail Display Name', 'Account', 'Web Page'],
    people: [
      {
        firstName: 'Jürgen',
        lastName: 'Müller-Lüdenscheidt',
        title: 'Einkaufsleiter',
        emails: [
          ['work', 'juergen.mueller@baeckerei-groesse.example'],
          ['work', 'jm@privat.example'],
        ],
        phones: [
          ['fax', '089 1234568', '+49891234568'],
          ['work', '089 1234567', '+49891234567'],
          ['mobile', '0170 1234567', '+491701234567'],
        ],
        companies: ['Bäckerei Größe GmbH'],
      },
      {
        firstName: 'Françoise',
        lastName: 'Lefèvre',
        title: 'Directrice',
        emails: [['work', 'f.lefevre@sge.example']],
        phones: [
          ['work', '+33 1 42 68 53 00', '+33142685300'],
          ['home', '+33 1 40 20 50 50', '+33140205050'],
          ['main', '+33 1 42 68 53 01', '+33142685301'],
        ],
        companies: ['Société Générale d’Études'],
      },
      {
        firstName: 'Zoë',
        lastName: 'Ødegård',
        emails: [['work', 'zoe@odegard.example']],
        phones: [['pager', '0800 1234567', '+498001234567']],
      },
    ],
    warnings: [
      [4, 'phone', 'n/a'],
      [4, 'email', 'not an address'],
    ],
    companiesCreated: 2,
  },
  {
    file: 'apple-contacts.tsv',
    query: '&country=US',
    file_: { encoding: 'UTF-8', delimiter: 'tab', header: true },
    columns: { 'email (home)': 'email', 'phone (iPhone)': 'phone', organization: 'company', 'job title': 'title' },
    people: [
      {
        firstName: 'Steve',
        lastName: 'Wozniak',
        title: 'Engineer',
        emails: [
          ['work', 'woz@efe.example'],
          ['home', 'steve@home.example'],
        ],
        phones: [
          ['mobile', '+1 408 555 0100', '+14085550100'],
          ['mobile', '+1 408 555 0199', '+14085550199'],
        ],
        companies: ['Electronic Frontier Examples'],
      },
      {
        firstName: 'Joanna',
        lastName: 'Hoffman',
        emails: [['work', 'joanna@mac.example']],
        phones: [['work', '+1 415 555 0123', '+14155550123']],
      },
    ],
    companiesCreated: 1,
  },
  {
    file: 'thunderbird.csv',
    query: '&country=US',
    file_: { encoding: 'UTF-8', delimiter: 'comma', header: true },
    columns: {
      'Primary Email': 'email',
      'Secondary Email': 'email',
      'Mobile Number': 'phone',
      Organization: 'company',
      'Display Name': 'name',
    },
    people: [
      {
        firstName: 'Linus',
        lastName: 'Torvalds',
        title: 'Fellow',
        emails: [
          ['work', 'linus@kernel.example'],
          ['other', 'torvalds@home.example'],
        ],
        phones: [
          ['work', '+1 503 555 0142', '+15035550142'],
          ['fax', '+1 503 555 0144', '+15035550144'],
          ['mobile', '+1 503 555 0143', '+15035550143'],
        ],
        companies: ['Kernel Foundation'],
      },
      // Only a display name: split on its last space.
      {
        firstName: 'Margaret',
        lastName: 'Hamilton',
        title: 'Director',
        emails: [['work', 'margaret@apollo.example']],
        companies: ['Kernel Foundation'],
      },
    ],
    companiesCreated: 1,
  },
  {
    file: 'hubspot-contacts.csv',
    query: '&country=US',
    file_: { encoding: 'UTF-8', delimiter: 'comma', header: true },
    columns: { 'Company Name': 'company', 'Website URL': 'companyDomain', 'Original Source': 'source', 'Mobile Phone Number': 'phone' },
    ignored: ['Record ID', 'Contact owner', 'Lead Status', 'Associated Company'],
    people: [
      {
        firstName: 'Dharmesh',
        lastName: 'Shah',
        title: 'CTO',
        emails: [
          ['work', 'dharmesh@inbound.example'],
          ['other', 'ds@personal.example'],
          ['other', 'dharmesh.shah@inbound.example'],
        ],
        phones: [
          ['work', '+1 617 555 0101', '+16175550101'],
          ['mobile', '+1 617 555 0102', '+16175550102'],
        ],
        companies: ['Inbound Examples'],
        lifecycleStage: 'marketingQualified',
        source: 'Organic Search',
      },
      {
        firstName: 'Kipp',
        lastName: 'Bodnar',
        title: 'CMO',
        emails: [['work', 'kipp@inbound.example']],
        companies: ['Inbound Examples'],
        lifecycleStage: 'customer',
        source: 'Direct Traffic',
      },
    ],
    companiesCreated: 1,
  },
  {
    file: 'salesforce-report-iso-8859-1.csv',
    query: '&country=US',
    file_: { encoding: 'ISO-8859-1', delimiter: 'comma', header: true },
    columns: {
      'Contact: First Name': 'firstName',
      'Contact: Title': 'title',
      'Account: Account Name': 'company',
      'Account: Website': 'companyDomain',
      'Contact: Lead Source': 'source',
    },
    ignored: ['Contact: Salutation', 'Contact Owner', 'Account: Industry', 'Contact: Mailing City'],
    people: [
      {
        firstName: 'Marc',
        lastName: 'Benioff',
        title: 'Chair & CEO',
        emails: [['work', 'marc@cloud.example']],
        phones: [
          ['work', '(415) 555-0147', '+14155550147'],
          ['mobile', '(415) 555-0148', '+14155550148'],
        ],
        companies: ['Cloud Examples Inc.'],
        source: 'Partner Referral',
      },
      {
        firstName: 'Zoë',
        lastName: 'Lefèvre',
        title: 'Directrice Générale',
        emails: [['work', 'zoe.lefevre@sge.example']],
        phones: [['work', '+33 1 42 68 53 00', '+33142685300']],
        companies: ["Société Générale d'Études"],
        source: 'Web',
      },
    ],
    companiesCreated: 2,
  },
  {
    file: 'salesforce-data-export-contact.csv',
    query: '&country=US',
    file_: { encoding: 'UTF-8', delimiter: 'comma', header: true },
    columns: { FirstName: 'firstName', MobilePhone: 'phone', LeadSource: 'source', Title: 'title' },
    people: [
      {
        firstName: 'Parker',
        lastName: 'Harris',
        title: 'Co-Founder',
        emails: [['work', 'parker@cloud.example']],
        phones: [
          ['work', '+1 415 555 0150', '+14155550150'],
          ['mobile', '+1 415 555 0151', '+14155550151'],
        ],
        source: 'Other',
      },
    ],
    companiesCreated: 0,
  },
  {
    file: 'pipedrive-people.csv',
    query: '&country=EE',
    file_: { encoding: 'UTF-8', delimiter: 'comma', header: true },
    columns: {
      'Person - Organization': 'company',
      'Person - Email - Work': 'email',
      'Person - Phone - Mobile': 'phone',
      'Person - Job title': 'title',
    },
    ignored: ['Person - ID', 'Person - Label', 'Person - Owner'],
    people: [
      {
        firstName: 'Timo',
        lastName: 'Rein',
        title: 'Co-founder',
        emails: [
          ['work', 'timo@pipeline.example'],
          ['other', 'timo.rein@mail.example'],
        ],
        phones: [
          ['work', '+372 5555 0101', '+37255550101'],
          ['mobile', '+372 5555 0102', '+37255550102'],
        ],
        companies: ['Pipeline Examples OÜ'],
      },
      {
        firstName: 'Martin',
        lastName: 'Henk',
        emails: [['home', 'martin@home.example']],
        phones: [['home', '+372 5555 0199', '+37255550199']],
        companies: ['Pipeline Examples OÜ'],
      },
    ],
    companiesCreated: 1,
  },
  {
    file: 'zoho-contacts.csv',
    query: '&country=IN',
    file_: { encoding: 'UTF-8', delimiter: 'semicolon', header: true },
    columns: { 'Account Name': 'company', Title: 'title', 'Secondary Email': 'email', 'Asst Phone': 'phone', 'Lead Source': 'source' },
    ignored: ['Contact Owner', 'Email Opt Out', 'Salutation', 'Vendor Name'],
    people: [
      {
        firstName: 'Radha',
        lastName: 'Vembu',
        title: 'Purchasing Manager',
        emails: [
          ['work', 'radha@zylker.example'],
          ['other', 'radha.v@mail.example'],
        ],
        phones: [
          ['work', '+91 44 5555 0101', '+914455550101'],
          ['mobile', '+91 98450 55501', '+919845055501'],
          ['assistant', '+91 44 5555 0109', '+914455550109'],
        ],
        companies: ['Zylker Examples'],
        source: 'Trade Show',
      },
      // Zoho's "Title" is the job title; a "Dr." in it is not one.
      { firstName: 'Tony', lastName: 'Thomas', emails: [['work', 'tony@zylker.example']], companies: ['Zylker Examples'] },
    ],
    warnings: [[3, 'title', 'Dr.']],
    companiesCreated: 1,
  },
  {
    file: 'twenty-people.csv',
    file_: { encoding: 'UTF-8', delimiter: 'comma', header: true },
    columns: {
      'Name / First Name': 'firstName',
      'Emails / Additional Emails': 'email',
      'Phones / Primary Phone Number': 'phone',
      'Phones / Primary Phone Country Code': 'phone.country',
      'Job Title': 'title',
    },
    ignored: ['Id', 'Linkedin / Primary Link Url', 'Position', 'Created by / Name'],
    people: [
      {
        firstName: 'Christoph',
        lastName: 'Callisto',
        title: 'CEO',
        emails: [
          ['work', 'christoph.callisto@twenty.example'],
          ['other', 'cc@home.example'],
        ],
        phones: [
          ['work', '+33 6 12 34 56 78', '+33612345678'],
          ['other', '+44 7700900123', '+447700900123'],
        ],
      },
    ],
    companiesCreated: 0,
  },
  {
    file: 'excel-unicode-text-utf-16le.txt',
    file_: { encoding: 'UTF-16LE', delimiter: 'tab', header: true },
    people: [
      {
        firstName: 'Øyvind',
        lastName: 'Ødegård',
        emails: [['work', 'oyvind@fjord.example']],
        phones: [['mobile', '+47 412 34 567', '+4741234567']],
        companies: ['Fjord Examples AS'],
      },
      {
        firstName: 'Ελένη',
        lastName: 'Παπαδοπούλου',
        emails: [['work', 'eleni@παράδειγμα.example']],
        phones: [['mobile', '+30 691 234 5678', '+306912345678']],
        companies: ['Ακρόπολη Α.Ε.'],
      },
    ],
    companiesCreated: 2,
  },
  {
    file: 'utf-16be-no-bom.csv',
    file_: { encoding: 'UTF-16BE', delimiter: 'comma', header: true },
    people: [
      { firstName: 'Ada', lastName: 'Lovelace', emails: [['work', 'ada@utf16.example']] },
      { firstName: 'Ludwig', lastName: 'Boltzmann', emails: [['work', 'ludwig@utf16.example']] },
    ],
    companiesCreated: 0,
  },
  {
    file: 'contacts-gb18030.csv',
    file_: { encoding: 'GB18030', delimiter: 'comma', header: true },
    columns: { 姓: 'lastName', 名: 'firstName', 电子邮件: 'email', 手机: 'phone', 公司: 'company', 职位: 'title' },
    people: [
      {
        firstName: '小明',
        lastName: '王',
        title: '工程师',
        emails: [['work', 'xiaoming.wang@keji.example']],
        phones: [['mobile', '+86 138 0013 8000', '+8613800138000']],
        companies: ['北京科技有限公司'],
      },
      {
        firstName: '华',
        lastName: '李',
        title: '经理',
        emails: [['work', 'hua.li@maoyi.example']],
        phones: [['mobile', '+86 139 0013 9000', '+8613900139000']],
        companies: ['上海贸易公司'],
      },
    ],
    companiesCreated: 2,
  },
  {
    file: 'contacts-big5.csv',
    file_: { encoding: 'Big5', delimiter: 'comma', header: true },
    people: [
      {
        firstName: '美玲',
        lastName: '陳',
        title: '經理',
        emails: [['work', 'meiling@taipei.example']],
        phones: [['mobile', '+886 912 345 678', '+886912345678']],
        companies: ['台北科技股份有限公司'],
      },
      {
        firstName: '志明',
        lastName: '林',
        title: '業務',
        emails: [['work', 'zhiming@gaoxiong.example']],
        phones: [['mobile', '+886 933 456 789', '+886933456789']],
        companies: ['高雄貿易公司'],
      },
    ],
    companiesCreated: 2,
  },
  {
    file: 'contacts-euc-kr.csv',
    file_: { encoding: 'EUC-KR', delimiter: 'comma', header: true },
    people: [
      {
        firstName: '민수',
        lastName: '김',
        title: '과장',
        emails: [['work', 'minsu.kim@seoul.example']],
        phones: [['mobile', '+82 10-1234-5678', '+821012345678']],
        companies: ['서울전자주식회사'],
      },
      {
        firstName: '영희',
        lastName: '이',
        title: '대리',
        emails: [['work', 'younghee@busan.example']],
        phones: [['mobile', '+82 10-9876-5432', '+821098765432']],
        companies: ['부산무역'],
      },
    ],
    companiesCreated: 2,
  },
  {
    file: 'contacts-iso-8859-2-no-header.csv',
    file_: { encoding: 'ISO-8859-2', delimiter: 'semicolon', header: false },
    columns: { 'Column 1': 'firstName', 'Column 2': 'lastName', 'Column 3': 'email', 'Column 4': 'phone' },
    people: [
      {
        firstName: 'Łukasz',
        lastName: 'Wróbel',
        emails: [['work', 'lukasz.wrobel@łódź.example']],
        phones: [['work', '+48 601 234 567', '+48601234567']],
      },
      {
        firstName: 'Zofia',
        lastName: 'Żółkiewska',
        emails: [['work', 'zofia@gęś.example']],
        phones: [['work', '+48 602 345 678', '+48602345678']],
      },
      {
        firstName: 'Grzegorz',
        lastName: 'Brzęczyszczykiewicz',
        emails: [['work', 'grzegorz@chrząszcz.example']],
        phones: [['work', '+48 603 456 789', '+48603456789']],
      },
      {
        firstName: 'Małgorzata',
        lastName: 'Świątek',
        emails: [['work', 'malgosia@źdźbło.example']],
        phones: [['work', '+48 604 567 890', '+48604567890']],
      },
    ],
    companiesCreated: 0,
  },
  {
    file: 'legacy-pipe-no-header.txt',
    file_: { encoding: 'UTF-8', delimiter: 'pipe', header: false },
    columns: { 'Column 1': 'name', 'Column 2': 'phone', 'Column 3': 'email' },
    people: [
      {
        firstName: 'Ingrid',
        lastName: 'Bergman',
        emails: [['work', 'ingrid@film.example']],
        phones: [['work', '+46 8 555 010 00', '+46855501000']],
      },
      {
        firstName: 'Greta',
        lastName: 'Garbo',
        emails: [['work', 'greta@film.example']],
        phones: [['work', '+46 8 555 020 00', '+46855502000']],
      },
    ],
    companiesCreated: 0,
  },
];

describe('the corpus: contacts from the exports of other tools', () => {
  for (const c of contactCases) {
    it(`reads ${c.file}`, async () => {
      const s = await signUp();
      const out = await importFile(s, 'contacts', c.file, c.query);
      expect(out.file).toEqual(c.file_);
      expect(out).toMatchObject({ created: c.people.length, rejected: 0, companiesCreated: c.companiesCreated });
      if (c.columns) expect(out.columns).toMatchObject(c.columns);
      for (const h of c.ignored ?? []) expect(out.ignoredColumns).toContain(h);
      expect(out.warnings.map((w: Json) => [w.row, w.field, w.value])).toEqual(c.warnings ?? []);
      const read = (await all(s, 'contacts')).map(asPerson);
      expect(read).toEqual(c.people.map(person));
      expect((await all(s, 'companies')).length).toBe(c.companiesCreated);
    });
  }
});

interface CompanyCase {
  file: string;
  query?: string;
  companies: Json[];
  warnings?: [row: number, field: string, value: string][];
}

const noAddress = null;
const companyCases: CompanyCase[] = [
  {
    file: 'hubspot-companies.csv',
    query: '&country=US',
    companies: [
      {
        name: 'Inbound Examples',
        domain: 'inbound.example',
        industry: 'Computer Software',
        size: '5001+',
        phone: '+1 888 555 0199',
        phoneE164: '+18885550199',
        address: { city: 'Cambridge', region: 'MA', postalCode: '02141', country: 'United States' },
      },
      {
        name: 'Flywheel Labs',
        domain: 'flywheel.example',
        industry: 'Marketing and Advertising',
        size: '11-50',
        phone: null,
        phoneE164: null,
        address: { city: 'Boston' },
      },
      // No name: named after its domain; "lots" is no head count.
      {
        name: 'nameless.example',
        domain: 'nameless.example',
        industry: null,
        size: null,
        phone: null,
        phoneE164: null,
        address: noAddress,
      },
    ],
    warnings: [
      [4, 'size', 'lots'],
      [4, 'name', ''],
    ],
  },
  {
    file: 'pipedrive-organizations.csv',
    companies: [
      {
        name: 'Pipeline Examples OÜ',
        domain: 'pipeline.example',
        industry: 'Software',
        size: '51-200',
        phone: null,
        phoneE164: null,
        address: { street: 'Mustamäe tee 3a' },
      },
    ],
  },
  {
    file: 'zoho-accounts.csv',
    query: '&country=IN',
    companies: [
      {
        name: 'Zylker Examples',
        domain: 'zylker.example',
        industry: 'Manufacturing',
        size: '1001-5000',
        phone: '+91 44 5555 0100',
        phoneE164: '+914455550100',
        address: { street: 'Estancia IT Park', city: 'Chennai', region: 'Tamil Nadu', postalCode: '603202', country: 'India' },
      },
    ],
  },
  {
    file: 'twenty-companies.csv',
    companies: [
      {
        name: 'Twenty Examples',
        domain: 'twenty.example',
        industry: null,
        size: '11-50',
        phone: null,
        phoneE164: null,
        address: { street: '1 rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'France' },
      },
    ],
  },
];

describe('the corpus: companies from the exports of other tools', () => {
  for (const c of companyCases) {
    it(`reads ${c.file}`, async () => {
      const s = await signUp();
      const out = await importFile(s, 'companies', c.file, c.query);
      expect(out).toMatchObject({ objectType: 'company', created: c.companies.length, rejected: 0 });
      expect(out.warnings.map((w: Json) => [w.row, w.field, w.value])).toEqual(c.warnings ?? []);
      const read = (await all(s, 'companies')).map((co) => ({
        name: co.name,
        domain: co.domain,
        industry: co.industry,
        size: co.size,
        phone: co.phone,
        phoneE164: co.phoneE164,
        address: co.address,
      }));
      expect(read).toEqual(c.companies);
    });
  }
});
