import { type FormEvent, useRef } from 'react';

/**
 * A form submit handler that runs `mutate` once until it settles: a double click or a second Enter
 * before React has re-rendered the button as busy is ignored (the button's own disabled state comes
 * a render too late). The API client's Idempotency-Key covers what gets past this (two tabs).
 */
export function useSubmitOnce(mutation: { mutate: (v: undefined, opts: { onSettled: () => void }) => void }) {
  const busy = useRef(false);
  return (e?: FormEvent) => {
    e?.preventDefault();
    if (busy.current) return;
    busy.current = true;
    mutation.mutate(undefined, {
      onSettled: () => {
        busy.current = false;
      },
    });
  };
}
