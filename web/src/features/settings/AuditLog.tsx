import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';

export type AuditLogName = 'changes' | 'sign-ins' | 'security-events';
type Page<T> = { data: T[]; nextCursor: string | null };

export interface AuditColumn<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/** A `<input type="date">` day as the ISO instant it starts at here; `next` gives the start of the day after (an inclusive "to"). */
export function dayStart(day: string, next = false) {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return day;
  if (next) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/**
 * One audit log as a table: its filters above, newest first, "Load more" down the cursor, and the
 * same filters as a CSV download (a link: the server streams the file, signed in by the cookie).
 */
export function AuditLog<T extends { id: string }>(props: {
  name: AuditLogName;
  filters: ReactNode;
  query: Record<string, string | undefined>;
  fetchPage: (query: Record<string, string | undefined>, cursor: string | undefined) => Promise<Page<T>>;
  columns: AuditColumn<T>[];
}) {
  const { t } = useTranslation();
  const list = useInfiniteQuery({
    queryKey: ['audit', props.name, props.query],
    queryFn: ({ pageParam }) => props.fetchPage(props.query, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const exportQuery = new URLSearchParams(Object.entries(props.query).filter((e): e is [string, string] => !!e[1]));
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Stack>
      <Group align="flex-end">
        {props.filters}
        <Button
          component="a"
          href={`/api/v1/audit/${props.name}/export?${exportQuery}`}
          download
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          {t('audit.exportCsv')}
        </Button>
      </Group>
      {list.error ? (
        <ErrorState error={list.error} />
      ) : !list.data ? (
        <LoadingRows />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('audit.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table data-testid={`audit-${props.name}`} striped>
            <Table.Thead>
              <Table.Tr>
                {props.columns.map((c) => (
                  <Table.Th key={c.header}>{c.header}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  {props.columns.map((c) => (
                    <Table.Td key={c.header} style={{ maxWidth: 320, overflowWrap: 'anywhere' }}>
                      {c.cell(r)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Button variant="subtle" w="fit-content" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('audit.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
