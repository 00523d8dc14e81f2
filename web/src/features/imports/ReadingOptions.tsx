import { Group, Select, Switch } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Delimiter, Preview, Reading } from './importApi.ts';

const encodings = [
  'UTF-8',
  'UTF-16LE',
  'UTF-16BE',
  'windows-1252',
  'ISO-8859-1',
  'ISO-8859-2',
  'ISO-8859-15',
  'Shift_JIS',
  'GB18030',
  'Big5',
  'EUC-KR',
  'windows-1250',
  'windows-1251',
  'KOI8-R',
  'macintosh',
];
const delimiters: Delimiter[] = ['comma', 'semicolon', 'tab', 'pipe'];

/** What was detected about the file (encoding, delimiter, header row), each changeable. */
export function ReadingOptions({ file, onChange }: { file: Preview['file']; onChange: (r: Reading) => void }) {
  const { t } = useTranslation();
  const encodingList = encodings.includes(file.encoding) ? encodings : [file.encoding, ...encodings];
  return (
    <Group align="end" wrap="wrap">
      <Select
        label={t('imports.encoding')}
        data={encodingList}
        value={file.encoding}
        allowDeselect={false}
        searchable
        onChange={(v) => v && onChange({ encoding: v })}
        w={180}
      />
      <Select
        label={t('imports.delimiter')}
        data={delimiters.map((d) => ({ value: d, label: t(`imports.delimiters.${d}`) }))}
        value={file.delimiter}
        allowDeselect={false}
        onChange={(v) => v && onChange({ delimiter: v as Delimiter })}
        w={180}
      />
      <Switch label={t('imports.headerRow')} checked={file.header} onChange={(e) => onChange({ header: e.currentTarget.checked })} mb={8} />
    </Group>
  );
}
