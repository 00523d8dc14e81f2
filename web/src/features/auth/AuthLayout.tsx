import { Alert, Center, Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function AuthLayout({ title, error, children }: { title: string; error?: string | null; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <Stack>
          <Title order={1} size="h2">
            {title}
          </Title>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
