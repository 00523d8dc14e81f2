// The names columns go by in the files other tools export, and the words of their labels: the data
// headers.ts reads headers with. Each table maps a header (compared by normalizeHeader) to a field and
// a rank: where two columns name one field, the lower rank wins.

/** Accents dropped, lower case: how headers and labels are compared. */
export const fold = (h: string) => h.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
/** Headers compared without case, accents, spaces or punctuation: "E-mail", "e_mail" and "EMAIL" are one. */
export const normalizeHeader = (h: string) => fold(h).replace(/[^\p{L}\p{N}]/gu, '');

export type { ImportObject } from '../../../contract/imports.ts';
export type ContactScalar = 'firstName' | 'lastName' | 'name' | 'title' | 'lifecycleStage' | 'source' | 'photo';
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

export const contactAliases: Record<string, [ContactScalar, number]> = {};
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
// The picture itself (a data: URL or base64), as a vCard's PHOTO becomes (vcard-table.ts). Not "Photo":
// Google's CSV puts a link to its own servers there, which is nothing to store.
addAliases(contactAliases, 'photo', 0, ['photo data', 'photo (data)']);

// A contact's company: by name, or by its domain. "Website" and "Company Domain" are the company's,
// not the person's: a personal site is "Web Page" or "Personal website" and is left alone.
export const contactCompanyAliases: Record<string, ['name' | 'domain', number]> = {};
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

export const companyAliases: Record<string, [CompanyScalar, number]> = {};
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
export const addressAliases: Record<string, [AddressPart, number]> = {};
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
export const labelWords: Record<string, string> = {
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

/** Email and phone columns in the languages whose words the patterns below do not spell. */
export const localContact: Record<string, Meaning> = {};
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
