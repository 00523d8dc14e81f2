import { useEffect } from 'react';

/** The ticket page's keys, as data: the help overlay lists these. */
export const ticketShortcuts = [
  { key: 'r', action: 'reply' },
  { key: 'n', action: 'note' },
  { key: 'm', action: 'macro' },
  { key: 'j', action: 'next' },
  { key: 'k', action: 'previous' },
  { key: '?', action: 'help' },
] as const;
export type ShortcutAction = (typeof ticketShortcuts)[number]['action'];

/** Whether a key press belongs to what the person is typing in (a field, an editor, a menu's search). */
function typing(e: KeyboardEvent) {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  return (
    el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.closest('[role="dialog"],[role="menu"]') !== null
  );
}

/**
 * Calls `on` with the action of a single key pressed on the page, never while the person types in
 * a field or a dialog is open, and never with a modifier (Ctrl+R still reloads).
 */
export function useTicketShortcuts(on: (action: ShortcutAction) => void, enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const handler = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || typing(e)) return;
      const hit = ticketShortcuts.find((s) => s.key === e.key);
      if (!hit) return;
      e.preventDefault();
      on(hit.action);
    };
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }, [on, enabled]);
}
