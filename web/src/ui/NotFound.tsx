import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '../router.tsx';

export default function NotFound() {
  const { t } = useTranslation();
  return (
    <Stack align="center" mt="xl">
      <Title order={2}>{t('app.notFound')}</Title>
      <Text>
        <Link to="/">{t('nav.home')}</Link>
      </Text>
    </Stack>
  );
}
