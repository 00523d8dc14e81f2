import { Paper, Textarea, type TextareaProps, UnstyledButton } from '@mantine/core';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMembers } from './useMembers.ts';

// A note's text box that offers workspace members after `@`: typing narrows the list, arrows move,
// Enter or Tab picks, Escape closes. A picked member is written as `@Name`; when the note is saved,
// mentionsIn() turns the names still in the text into member ids, which the server stores and
// notifies.

type Member = { id: string; name: string };

/** The `@query` being typed just before the caret, if any. */
function queryAt(text: string, caret: number) {
  const m = /(^|\s)@([^\s@]{0,30}(?: [^\s@]{0,30})?)$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2].length - 1, query: m[2] } : null;
}

/** The members a text mentions (`@Name`), longest names first so that "@Ada Lovelace" is not read as "@Ada". */
export function mentionsIn(text: string, members: Member[]) {
  const ids: string[] = [];
  let rest = text;
  for (const m of [...members].sort((a, b) => b.name.length - a.name.length)) {
    const tag = `@${m.name}`;
    if (m.name && rest.includes(tag)) {
      ids.push(m.id);
      rest = rest.split(tag).join(' ');
    }
  }
  return ids;
}

export function MentionTextarea(props: Omit<TextareaProps, 'value' | 'onChange'> & { value: string; onChange: (v: string) => void }) {
  const { value, onChange, ...rest } = props;
  const { t } = useTranslation();
  const { members } = useMembers();
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [at, setAt] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const q = at?.query.toLowerCase() ?? '';
  const options = at ? members.filter((m) => m.name.toLowerCase().includes(q) && !m.disabledAt).slice(0, 8) : [];
  const open = options.length > 0;

  const update = (text: string, caret: number) => {
    const found = queryAt(text, caret);
    setAt(found);
    if (found?.query !== at?.query) setActive(0);
  };
  const pick = (m: Member) => {
    if (!at) return;
    const caret = ref.current?.selectionStart ?? value.length;
    const next = `${value.slice(0, at.start)}@${m.name} ${value.slice(caret)}`;
    onChange(next);
    setAt(null);
    const pos = at.start + m.name.length + 2;
    requestAnimationFrame(() => ref.current?.setSelectionRange(pos, pos));
  };

  return (
    <div style={{ position: 'relative' }}>
      <Textarea
        {...rest}
        ref={ref}
        value={value}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onChange={(e) => {
          onChange(e.currentTarget.value);
          update(e.currentTarget.value, e.currentTarget.selectionStart);
        }}
        onKeyDown={(e) => {
          if (!open) return;
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
          } else if (e.key === 'Enter' || e.key === 'Tab') {
            e.preventDefault();
            pick(options[active]);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            setAt(null);
          }
        }}
        onBlur={() => setAt(null)}
      />
      {open && (
        <Paper
          withBorder
          shadow="md"
          p={4}
          id={listId}
          role="listbox"
          aria-label={t('mentions.members')}
          style={{ position: 'absolute', zIndex: 300, left: 0, right: 0, top: '100%', maxWidth: 320 }}
        >
          {options.map((m, i) => (
            <UnstyledButton
              key={m.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              display="block"
              w="100%"
              px="sm"
              py={6}
              tabIndex={-1}
              style={{ borderRadius: 4, background: i === active ? 'var(--mantine-color-blue-light)' : undefined }}
              // Picked before the text box's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(m);
              }}
            >
              {m.name}
            </UnstyledButton>
          ))}
        </Paper>
      )}
    </div>
  );
}
