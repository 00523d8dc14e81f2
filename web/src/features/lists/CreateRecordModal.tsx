import { Button, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { fractionDigits } from '../../format.ts';
import { type BuiltInType, createRecord, isCustom, type ObjectType, type Row, recordKeys } from '../../records.ts';
import { useMe } from '../../session.ts';
import { useObjectLabel } from '../../ui/useObjects.ts';
import { usePipelines } from '../../ui/usePipelines.ts';
import { useSubmitOnce } from '../../ui/useSubmitOnce.ts';
import { DuplicateWarning } from '../duplicates/DuplicateWarning.tsx';
import { type Candidate, checkDuplicates, isDuplicateType } from '../duplicates/duplicates.ts';
import { CompanyPicker } from './CompanyPicker.tsx';

type Form = Record<string, string>;

const builtInFields: Record<BuiltInType, string[]> = {
  contact: ['firstName', 'lastName', 'email', 'title'],
  company: ['name', 'domain', 'industry'],
  deal: ['name', 'amount', 'stageId', 'companyId'],
  lead: ['firstName', 'lastName', 'email', 'companyName'],
  task: ['title', 'dueAt'],
};

/** The fields a new record's form asks for; a custom object's record starts with its name. */
const fieldsOf = (t: ObjectType) => (isCustom(t) ? ['name'] : builtInFields[t]);

function toBody(type: ObjectType, f: Form, currency: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (v !== '') body[k] = v;
  if (type === 'contact' && f.email) {
    body.emails = [{ value: f.email }];
    delete body.email;
  }
  if (type === 'contact' && f.companyId) body.companies = [{ companyId: f.companyId, isPrimary: true }];
  if (type === 'contact') delete body.companyId;
  if (type === 'deal') {
    delete body.amount;
    if (f.amount) body.amountMinor = Math.round(Number(f.amount) * 10 ** fractionDigits(currency));
  }
  if (type === 'task' && f.dueAt) body.dueAt = new Date(f.dueAt).toISOString();
  return body;
}

export function CreateRecordModal({
  type,
  opened,
  onClose,
  onCreated,
  initial = {},
}: {
  type: ObjectType;
  opened: boolean;
  onClose: () => void;
  onCreated?: (r: Row) => void;
  initial?: Form;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const { pipelines } = usePipelines();
  const [form, setForm] = useState<Form>(initial);
  const label = useObjectLabel(type);
  // Records this one looks like, found before it is created; "create anyway" creates it regardless.
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const create = useMutation({
    mutationFn: async (anyway?: boolean) => {
      const body = toBody(type, form, me.workspace.currency);
      if (!anyway && isDuplicateType(type)) {
        const found = await checkDuplicates(type, body);
        if (found.length) {
          setCandidates(found);
          return null;
        }
      }
      return createRecord(type, body);
    },
    onSuccess: (r) => {
      if (!r) return;
      void qc.invalidateQueries({ queryKey: recordKeys.all(type) });
      setForm(initial);
      setCandidates(null);
      onClose();
      onCreated?.(r);
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  const fieldErr = (k: string) =>
    err?.fieldMessage(
      k === 'email' && type === 'contact'
        ? 'emails'
        : k === 'amount'
          ? 'amountMinor'
          : k === 'companyId' && type === 'contact'
            ? 'companies'
            : k,
    );
  const set = (k: string) => (v: string | null) => {
    setCandidates(null);
    setForm((f) => ({ ...f, [k]: v ?? '' }));
  };
  const stageOptions = pipelines.flatMap((p) =>
    p.stages.filter((s) => s.kind === 'open').map((s) => ({ value: s.id, label: pipelines.length > 1 ? `${p.name} · ${s.name}` : s.name })),
  );
  const submit = useSubmitOnce(create);
  const stageId = form.stageId || stageOptions[0]?.value || '';
  if (type === 'deal' && !form.stageId && stageId) setForm((f) => ({ ...f, stageId }));

  return (
    <Modal opened={opened} onClose={onClose} title={`${t('list.new')}: ${label.one}`} closeButtonProps={{ 'aria-label': t('app.close') }}>
      {/* noValidate: the server's field errors, worded in the app's language, replace the browser's bubbles. */}
      <form onSubmit={submit} noValidate>
        <Stack>
          {fieldsOf(type).map((k) =>
            k === 'stageId' ? (
              <Select
                key={k}
                label={t('fields.stage')}
                data={stageOptions}
                value={form.stageId ?? null}
                onChange={set('stageId')}
                error={fieldErr('stageId')}
                required
              />
            ) : k === 'companyId' ? (
              <CompanyPicker key={k} label={t('fields.company')} value={form.companyId || null} onChange={set('companyId')} />
            ) : k === 'amount' ? (
              <NumberInput
                key={k}
                label={`${t('fields.amount')} (${me.workspace.currency})`}
                value={form.amount ?? ''}
                onChange={(v) => set('amount')(String(v))}
                min={0}
                decimalScale={fractionDigits(me.workspace.currency)}
                error={fieldErr('amount')}
              />
            ) : (
              <TextInput
                key={k}
                label={t(k === 'title' && type === 'task' ? 'settings.label' : `fields.${k}`)}
                name={k}
                type={k === 'email' ? 'email' : k === 'dueAt' ? 'datetime-local' : 'text'}
                value={form[k] ?? ''}
                onChange={(e) => set(k)(e.currentTarget.value)}
                error={fieldErr(k)}
                required={(type === 'company' || type === 'deal' || isCustom(type)) && k === 'name'}
                data-autofocus={k === fieldsOf(type)[0] || undefined}
              />
            ),
          )}
          {err && !err.errors.length && <div role="alert">{err.message}</div>}
          {candidates && isDuplicateType(type) && <DuplicateWarning type={type} candidates={candidates} onOpen={onClose} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('record.cancel')}
            </Button>
            {candidates ? (
              <Button loading={create.isPending} onClick={() => create.mutate(true)}>
                {t('duplicates.createAnyway')}
              </Button>
            ) : (
              <Button type="submit" loading={create.isPending}>
                {t('record.create')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
