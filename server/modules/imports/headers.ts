// What a column's header says it holds, for the files other tools export: Google Contacts, Outlook,
// Apple Contacts, Thunderbird, HubSpot, Salesforce (reports too), Pipedrive, Zoho and Twenty. The
// header shapes, and the corpus files that show each one, are in corpus/README.md.

/** Accents dropped, lower case: how headers and labels are compared. */
export const fold = (h: string) => h.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
/** Headers compared without case, accents, spaces or punctuation: "E-mail", "e_mail" and "EMAIL" are one. */
export const normalizeHeader = (h: string) => fold(h).replace(/[^\p{L}\p{N}]/gu, '');
const words = (h: string) =>
  fold(h)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

export type ImportObject = 'contact' | 'company';
export type ContactScalar = 'firstName' | 'lastName' | 'name' | 'title' | 'lifecycleStage' | 'source';
export type CompanyScalar = 'name' | 'domain' | 'industry' | 'size' | 'phone';
export type AddressPart = 'street' | 'city' | 'region' | 'postalCode' | 'country';

/** What a column fills. Several email and phone columns may each add one; every other target takes one column. */
export type Meaning =
  | { kind: 'contact'; field: ContactScalar }
  | { kind: 'email'; label: string }
  | { kind: 'phone'; label: string }
  | { kind: 'company'; field: CompanyScalar }
  | { kind: 'address'; part: AddressPart }
  /** A column that qualifies the value column of its group: Google's "E-mail 1 - Label", Twenty's phone country code. */
  | { kind: 'qualifier'; of: 'label' | 'country' | 'callingCode' };

export interface Classified {
  meaning: Meaning;
  /** Which columns belong together (a value and its label): "email 1", "phones primary". */
  group?: string;
  /** Lower wins when two columns name one field ("Job Title" over "Title"). */
  rank: number;
  /** A "Title" column, which in Outlook, Salesforce and others holds honorifics (Mr., Dr.), not job titles. */
  maybeHonorific?: boolean;
}

/** Which side of the file a prefixed header ("Account: Account Name", "Person - Email - Work") belongs to. */
type Side = 'person' | 'company';
const objectWords: Record<string, Side> = {};
for (const w of ['contact', 'contacts', 'person', 'people', 'persons', 'lead', 'leads']) objectWords[w] = 'person';
for (const w of ['account', 'accounts', 'organization', 'organizations', 'organisation', 'organisations', 'company', 'companies'])
  objectWords[w] = 'company';

const contactAliases: Record<string, [ContactScalar, number]> = {};
const addAliases = <T>(table: Record<string, [T, number]>, field: T, rank: number, names: string[]) => {
  for (const n of names) table[normalizeHeader(n)] = [field, rank];
};
// Names in the languages of the encodings a file may come in: a spreadsheet saved on a Japanese,
// Chinese, Korean, German or Polish computer names its columns in that language.
addAliases(contactAliases, 'firstName', 0, [
  'first name',
  'first',
  'given name',
  'forename',
  'firstname',
  'vorname',
  'prénom',
  'nombre',
  'imię',
  '名',
  '이름',
]);
addAliases(contactAliases, 'lastName', 0, [
  'last name',
  'last',
  'surname',
  'family name',
  'nachname',
  'nom',
  'apellido',
  'apellidos',
  'nazwisko',
  '姓',
  '성',
]);
addAliases(contactAliases, 'name', 0, ['full name', 'contact name', 'person name', 'name', 'display name', 'fullname', '氏名', '姓名']);
addAliases(contactAliases, 'title', 0, [
  'job title',
  'jobtitle',
  'organization title',
  'organisation title',
  'stellung',
  'stanowisko',
  '役職',
  '职位',
  '職稱',
  '직함',
]);
// "Position" is a job in most files but a sort order in Twenty's; "Occupation" sits beside Google's organisation title.
addAliases(contactAliases, 'title', 1, ['position', 'role', 'job', 'occupation']);
addAliases(contactAliases, 'title', 2, ['title']);
addAliases(contactAliases, 'lifecycleStage', 0, ['lifecycle stage', 'lifecycle', 'stage', 'lifecyclestage']);
addAliases(contactAliases, 'source', 0, ['source', 'lead source', 'contact source', 'original source', 'leadsource']);

// A contact's company: by name, or by its domain. "Website" and "Company Domain" are the company's,
// not the person's: a personal site is "Web Page" or "Personal website" and is left alone.
const contactCompanyAliases: Record<string, ['name' | 'domain', number]> = {};
addAliases(contactCompanyAliases, 'name', 0, [
  'company',
  'company name',
  'organization',
  'organisation',
  'organization name',
  'organisation name',
  'account name',
  'associated company',
  'employer',
  'firma',
  'firmenname',
  'unternehmen',
  'société',
  'empresa',
  '会社名',
  '会社',
  '公司',
  '公司名称',
  '회사',
  '회사명',
]);
// Outlook's "Account" is an account number; it names a company only where nothing else does.
addAliases(contactCompanyAliases, 'name', 1, ['account', 'org']);
addAliases(contactCompanyAliases, 'domain', 0, [
  'company domain',
  'company domain name',
  'company website',
  'company url',
  'website',
  'website url',
  'web site',
]);

const companyAliases: Record<string, [CompanyScalar, number]> = {};
addAliases(companyAliases, 'name', 0, [
  'company name',
  'account name',
  'organization name',
  'organisation name',
  'name',
  'company',
  'organization',
  'organisation',
  'account',
  'firma',
  'firmenname',
  'unternehmen',
  '会社名',
  '公司名称',
  '회사명',
]);
addAliases(companyAliases, 'domain', 0, [
  'domain',
  'domain name',
  'company domain',
  'company domain name',
  'website',
  'website url',
  'web site',
  'web page',
  'webpage',
  'url',
  'homepage',
  'company website',
]);
addAliases(companyAliases, 'industry', 0, ['industry', 'sector', 'vertical', 'branche']);
addAliases(companyAliases, 'size', 0, [
  'employees',
  'number of employees',
  'no of employees',
  'employee count',
  'numberofemployees',
  'company size',
  'size',
  'headcount',
  'mitarbeiter',
  'anzahl mitarbeiter',
]);
addAliases(companyAliases, 'phone', 0, [
  'phone',
  'phone number',
  'company phone',
  'main phone',
  'telephone',
  'company main phone',
  'telefon',
]);
addAliases(companyAliases, 'phone', 1, ['business phone', 'office phone', 'work phone']);
const addressAliases: Record<string, [AddressPart, number]> = {};
addAliases(addressAliases, 'street', 0, [
  'street',
  'street address',
  'address',
  'address 1',
  'address line 1',
  'billing street',
  'billing address',
  'business street',
  'straße',
  'strasse',
]);
addAliases(addressAliases, 'city', 0, ['city', 'town', 'billing city', 'business city', 'ort', 'stadt']);
addAliases(addressAliases, 'region', 0, [
  'state',
  'region',
  'state region',
  'province',
  'state province',
  'billing state',
  'billing state province',
  'business state',
  'county',
  'bundesland',
]);
addAliases(addressAliases, 'postalCode', 0, [
  'zip',
  'zip code',
  'zipcode',
  'postal code',
  'post code',
  'postcode',
  'billing zip',
  'billing code',
  'billing postal code',
  'billing zip postal code',
  'business postal code',
  'plz',
  'postleitzahl',
]);
addAliases(addressAliases, 'country', 0, [
  'country',
  'country region',
  'billing country',
  'business country',
  'business country region',
  'land',
]);

/** Label words, as the web app knows them (work, home, mobile, other, main, fax) where one fits. */
const labelWords: Record<string, string> = {
  work: 'work',
  business: 'work',
  office: 'work',
  company: 'work',
  job: 'work',
  geschaftlich: 'work',
  dienstlich: 'work',
  home: 'home',
  personal: 'home',
  private: 'home',
  privat: 'home',
  mobile: 'mobile',
  cell: 'mobile',
  cellular: 'mobile',
  iphone: 'mobile',
  handy: 'mobile',
  mobil: 'mobile',
  main: 'main',
  companymain: 'main',
  primary: 'main',
  other: 'other',
  others: 'other',
  alternate: 'other',
  alternative: 'other',
  additional: 'other',
  secondary: 'other',
  fax: 'fax',
  workfax: 'fax',
  homefax: 'fax',
  businessfax: 'fax',
  otherfax: 'fax',
  pager: 'pager',
  assistant: 'assistant',
  assistants: 'assistant',
  asst: 'assistant',
  car: 'car',
  radio: 'radio',
  callback: 'callback',
  isdn: 'isdn',
  ttytdd: 'tty',
  telex: 'telex',
  direct: 'work',
};

/**
 * A label as a file writes it ("* Work", "Mobile", "Work Fax", "_$!<Home>!$_") in the words the app
 * uses; an unknown one is kept as written, lower-cased. Google marks the primary value with "* ".
 */
export function labelOf(text: string, kind: 'email' | 'phone'): string | null {
  const raw = text
    .replace(/^[\s*]+/, '')
    .replace(/^_\$!<(.*)>!\$_$/, '$1')
    .trim();
  if (!raw) return null;
  const key = normalizeHeader(raw);
  const known = labelWords[key];
  if (known === 'main' && kind === 'email') return 'work';
  return known ?? raw.toLowerCase().slice(0, 50);
}

const emailLabelGroup = 'work|business|office|home|personal|private|other|primary|secondary|main|alternate|alternative|additional|direct';
// The pattern is strict on purpose: "Email opt-out", "E-mail Type" or "Email Display Name" are not addresses.
const emailHeader = new RegExp(
  `^(${emailLabelGroup})?(?:e?mails?)(\\d*)(?:address|addresses|adresse|adressen)?(${emailLabelGroup})?(\\d*)$`,
);
const phoneLabelGroup = `${emailLabelGroup}|company|companymain|car|radio|assistant|assistants|asst|callback|isdn|ttytdd|telex|mobile|cell|iphone|geschaftlich|privat`;
const phoneHeader = new RegExp(
  `^(${phoneLabelGroup})?(phone|telephone|tel|mobile|mobil|cell|cellular|handy|fax|pager|telefon|mobiltelefon|cellphone|mobilephone)(\\d*)(?:number|no|nummer)?(${phoneLabelGroup})?(\\d*)$`,
);
const impliedPhoneLabel: Record<string, string> = {
  mobile: 'mobile',
  mobil: 'mobile',
  cell: 'mobile',
  cellular: 'mobile',
  handy: 'mobile',
  cellphone: 'mobile',
  mobilephone: 'mobile',
  mobiltelefon: 'mobile',
  fax: 'fax',
  pager: 'pager',
};

/** Email and phone columns in the languages whose words the patterns below do not spell. */
const localContact: Record<string, Meaning> = {};
for (const n of [
  'メールアドレス',
  '電子メール',
  '電子メールアドレス',
  'メール',
  '电子邮件',
  '邮箱',
  '电子邮箱',
  '電子郵件',
  '이메일',
  '전자우편',
])
  localContact[normalizeHeader(n)] = { kind: 'email', label: 'work' };
for (const n of ['電話番号', '電話', '电话', '電話號碼', '电话号码', '전화', '전화번호', 'telefon', 'numer telefonu'])
  localContact[normalizeHeader(n)] = { kind: 'phone', label: 'work' };
for (const n of ['携帯電話', '携帯', '手机', '手機', '휴대폰', '휴대전화', 'komórka', 'telefon komórkowy'])
  localContact[normalizeHeader(n)] = { kind: 'phone', label: 'mobile' };

/** An email or phone column by its name: "Work email", "E-mail 2 Address", "Business Phone", "Phone (mobile)", "Mobile Phone Number". */
function emailOrPhone(compact: string): Meaning | null {
  const local = localContact[compact];
  if (local) return { ...local };
  const email = emailHeader.exec(compact);
  if (email) return { kind: 'email', label: labelOf(email[1] ?? email[3] ?? '', 'email') ?? 'work' };
  const phone = phoneHeader.exec(compact);
  if (phone) {
    // What the number is (a fax, a mobile) says more than where it is: "Business Fax" is a fax.
    const word = phone[1] ?? phone[4];
    return { kind: 'phone', label: impliedPhoneLabel[phone[2]] || (word && labelOf(word, 'phone')) || 'work' };
  }
  return null;
}

/** Google Contacts' numbered columns: "E-mail 1 - Value", "Phone 2 - Label", "Organization 1 - Name", "Organization 1 - Title". */
const googleNumbered = /^(e ?mail|phone|organization|organisation) (\d+) (value|label|type|name|title)$/;

function google(w: string, object: ImportObject): Classified | null {
  const m = googleNumbered.exec(w);
  if (!m) return null;
  const [, what, n, part] = m;
  if (what === 'organization' || what === 'organisation') {
    // Only the first organisation is the contact's company; a second one is history.
    if (n !== '1') return null;
    if (object === 'company') return part === 'name' ? { meaning: { kind: 'company', field: 'name' }, rank: 0 } : null;
    if (part === 'name') return { meaning: { kind: 'company', field: 'name' }, rank: 0 };
    if (part === 'title') return { meaning: { kind: 'contact', field: 'title' }, rank: 0 };
    return null;
  }
  if (object === 'company') return null;
  const kind = what === 'phone' ? 'phone' : 'email';
  const group = `${kind} ${n}`;
  // The label comes from the group's label column, row by row; "work" where it is empty.
  if (part === 'value') return { meaning: { kind, label: 'work' }, group, rank: 0 };
  if (part === 'label' || part === 'type') return { meaning: { kind: 'qualifier', of: 'label' }, group, rank: 0 };
  return null;
}

/**
 * Twenty's composite columns: "Name / First Name", "Emails / Primary Email", "Phones / Primary Phone
 * Number" with "Phones / Primary Phone Country Code", "Domain Name / Primary Link Url", "Address /
 * City". A composite Rapport has no field for ("Linkedin / Link URL", "Created by / Name") is not
 * read: its sub-field's name would otherwise pass for one of ours.
 */
function twenty(composite: string, sub: string, object: ImportObject): Classified | null {
  const c = normalizeHeader(composite);
  const s = normalizeHeader(sub);
  if (c === 'name' && object === 'contact') return plain(sub, object, null);
  if (c === 'emails' && object === 'contact') {
    if (s === 'primaryemail') return { meaning: { kind: 'email', label: 'work' }, rank: 0 };
    if (s === 'additionalemails') return { meaning: { kind: 'email', label: 'other' }, rank: 0 };
    return null;
  }
  if (c === 'phones' || c === 'mobile' || c === 'workphone' || c === 'homephone') {
    const label = c === 'phones' ? null : (labelOf(c.replace(/phone$/, ''), 'phone') ?? 'work');
    const group = `phones ${c}`;
    if (object === 'company') return s === 'primaryphonenumber' ? { meaning: { kind: 'company', field: 'phone' }, rank: 0 } : null;
    if (s === 'primaryphonenumber') return { meaning: { kind: 'phone', label: label ?? 'work' }, group, rank: 0 };
    if (s === 'primaryphonecountrycode') return { meaning: { kind: 'qualifier', of: 'country' }, group, rank: 0 };
    if (s === 'primaryphonecallingcode') return { meaning: { kind: 'qualifier', of: 'callingCode' }, group, rank: 0 };
    if (s === 'additionalphones') return { meaning: { kind: 'phone', label: 'other' }, rank: 0 };
    return null;
  }
  if ((c === 'domainname' || c === 'domain' || c === 'website') && /url$/.test(s)) {
    return { meaning: { kind: 'company', field: 'domain' }, rank: 0 };
  }
  if (c === 'company' && object === 'contact' && s === 'name') return { meaning: { kind: 'company', field: 'name' }, rank: 0 };
  if (c === 'address' && object === 'company') {
    const part = addressAliases[s];
    return part ? { meaning: { kind: 'address', part: part[0] }, rank: part[1] } : null;
  }
  return null;
}

/** A header without a prefix, for the object being imported (`side`: the object a prefix named, if any). */
function plain(header: string, object: ImportObject, side: Side | null): Classified | null {
  const compact = normalizeHeader(header);
  if (!compact) return null;
  const w = words(header);
  const numbered = google(w, object);
  if (numbered) return numbered;
  if (object === 'company') {
    if (side === 'person') return null;
    const f = companyAliases[compact];
    if (f) return { meaning: { kind: 'company', field: f[0] }, rank: f[1] };
    const a = addressAliases[compact];
    if (a) return { meaning: { kind: 'address', part: a[0] }, rank: a[1] };
    return null;
  }
  if (side === 'company') {
    // "Account: Account Name", "Organization - Name", "Account: Website": the contact's company.
    const f = companyAliases[compact];
    if (f?.[0] === 'name' || f?.[0] === 'domain') return { meaning: { kind: 'company', field: f[0] }, rank: 0 };
    return null;
  }
  const scalar = contactAliases[compact];
  if (scalar) return { meaning: { kind: 'contact', field: scalar[0] }, rank: scalar[1], maybeHonorific: compact === 'title' };
  const company = contactCompanyAliases[compact];
  if (company) return { meaning: { kind: 'company', field: company[0] }, rank: company[1] };
  const contact = emailOrPhone(compact);
  return contact ? { meaning: contact, rank: 0 } : null;
}

/**
 * What a header says its column holds when importing `object`, or null. Custom fields are matched
 * before this (by the caller), object prefixes are read first: "Contact: First Name" is a first
 * name, "Account: Account Name" the contact's company, "Person - Email - Work" a work email.
 */
export function classify(header: string, object: ImportObject): Classified | null {
  const h = header.trim();
  const composite = /^(.{1,40}?)\s+\/\s+(.+)$/.exec(h);
  if (composite) return twenty(composite[1], composite[2], object);
  const prefixed = /^([^:]{1,40}?)\s*:\s*(.+)$/.exec(h) ?? /^(.{1,40}?)\s+[-–]\s+(.+)$/.exec(h);
  if (prefixed) {
    const side = objectWords[words(prefixed[1])];
    if (side) return plain(prefixed[2], object, side);
  }
  return plain(h, object, null);
}

/** Header words that only a list of companies has: a file of them sent to the contact importer is refused. */
export const isCompanyOnly = (header: string) => {
  const c = classify(header, 'company');
  return c?.meaning.kind === 'company' && (c.meaning.field === 'domain' || c.meaning.field === 'industry' || c.meaning.field === 'size');
};

const honorifics = new Set(
  [
    'mr',
    'mrs',
    'ms',
    'miss',
    'mx',
    'dr',
    'prof',
    'sir',
    'dame',
    'lady',
    'lord',
    'rev',
    'fr',
    'herr',
    'frau',
    'hr',
    'mme',
    'mlle',
    'm',
    'sr',
    'sra',
    'srta',
    'sig',
    'sigra',
    'dott',
    'dhr',
    'mevr',
    'pan',
    'pani',
    'drmed',
    'profdr',
    'mag',
    'ing',
    'dipling',
  ].map(normalizeHeader),
);
/** An honorific ("Mr.", "Dr.", "Frau", "Prof. Dr."), which a "Title" column of Outlook or Salesforce holds. */
export const isHonorific = (v: string) => honorifics.has(normalizeHeader(v));
