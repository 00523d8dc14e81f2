import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api.ts';
import { type BuiltInType, customKey, isCustom, type ObjectType } from '../records.ts';

/** The custom objects of the workspace (Settings → Objects defines them). */
export function useObjectTypes() {
  return useQuery({ queryKey: ['objects'], queryFn: async () => unwrap(await api.GET('/api/v1/objects')).data, staleTime: 60_000 });
}

const plurals: Record<BuiltInType, string> = {
  contact: 'nav.contacts',
  company: 'nav.companies',
  deal: 'nav.deals',
  lead: 'nav.leads',
  task: 'nav.tasks',
};

/** What a person calls one record of an object and its list: "Contact" / "Contacts", or a custom object's own labels. */
export function useObjectLabel(type: ObjectType): { one: string; many: string } {
  const { t } = useTranslation();
  const objects = useObjectTypes();
  if (!isCustom(type)) return { one: t(`objects.${type}`), many: t(plurals[type]) };
  const o = objects.data?.find((x) => x.key === customKey(type));
  return { one: o?.label ?? customKey(type), many: o?.labelPlural ?? customKey(type) };
}
