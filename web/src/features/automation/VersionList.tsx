import { Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { useVersions } from './useAutomation.ts';

/** Every saved version of a rule, newest first, with who saved it and how many runs it had. */
export function VersionList({ ruleId }: { ruleId: string }) {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const versions = useVersions(ruleId);
  if (versions.error) return <ErrorState error={versions.error} onRetry={() => versions.refetch()} />;
  if (!versions.data) return <LoadingRows />;
  if (!versions.data.length) return <Empty>{t('automation.noVersions')}</Empty>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table aria-label={t('automation.tabVersions')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('automation.versionLabel')}</Table.Th>
            <Table.Th>{t('automation.name')}</Table.Th>
            <Table.Th>{t('automation.savedAt')}</Table.Th>
            <Table.Th>{t('automation.savedBy')}</Table.Th>
            <Table.Th>{t('automation.runCount')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.data.map((v) => (
            <Table.Tr key={v.version}>
              <Table.Td>{v.version}</Table.Td>
              <Table.Td>{v.name}</Table.Td>
              <Table.Td>{formatDateTime(v.createdAt)}</Table.Td>
              <Table.Td>{nameOf(v.createdBy)}</Table.Td>
              <Table.Td>{v.runCount}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
