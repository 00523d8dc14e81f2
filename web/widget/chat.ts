// The live chat widget a customer puts on any website:
//   <script src="https://crm.example/chat/widget.js" data-workspace="acme" async></script>
// No framework and no dependency: a launcher and a panel inside a shadow root (the host page's CSS
// cannot reach in, ours cannot leak out). Every message is put in the page as text (textContent),
// never as markup. The visitor is whoever holds the conversation's token, kept in localStorage; no
// cookies are sent, so the server's CORS answer can be `*`.

interface Message {
  seq: number;
  author: 'visitor' | 'agent' | 'system';
  body: string;
}
interface Saved {
  id: string;
  token: string;
}

const strings = {
  en: {
    open: 'Chat with us',
    close: 'Close chat',
    title: 'Chat',
    intro: 'Ask us anything: we answer here.',
    offlineIntro: 'Nobody is online right now. Leave a message and we will answer by email.',
    name: 'Your name (optional)',
    email: 'Your email (optional)',
    emailRequired: 'Your email',
    message: 'Your message',
    start: 'Start chat',
    send: 'Send',
    leave: 'Send message',
    thanks: 'Thank you: we received your message and will answer by email.',
    ended: 'The conversation has ended.',
    again: 'Start a new chat',
    failed: 'Could not send: ',
    you: 'You',
    agent: 'Agent',
  },
  de: {
    open: 'Chatten Sie mit uns',
    close: 'Chat schließen',
    title: 'Chat',
    intro: 'Fragen Sie uns: Wir antworten hier.',
    offlineIntro: 'Gerade ist niemand online. Hinterlassen Sie eine Nachricht, wir antworten per E-Mail.',
    name: 'Ihr Name (optional)',
    email: 'Ihre E-Mail (optional)',
    emailRequired: 'Ihre E-Mail',
    message: 'Ihre Nachricht',
    start: 'Chat beginnen',
    send: 'Senden',
    leave: 'Nachricht senden',
    thanks: 'Danke: Ihre Nachricht ist angekommen, wir antworten per E-Mail.',
    ended: 'Das Gespräch ist beendet.',
    again: 'Neuen Chat beginnen',
    failed: 'Senden fehlgeschlagen: ',
    you: 'Sie',
    agent: 'Team',
  },
};

const css = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 14px; }
.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 24px; padding: 12px 18px;
  background: #228be6; color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.launcher:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #74c0fc; outline-offset: 2px; }
.panel { position: fixed; right: 20px; bottom: 76px; z-index: 2147483000; width: min(360px, calc(100vw - 40px)); height: min(480px, calc(100vh - 100px));
  display: flex; flex-direction: column; background: #fff; color: #212529; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden; }
.panel[hidden] { display: none; }
header { background: #228be6; color: #fff; padding: 12px 14px; font-weight: 600; }
.body { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.msg { max-width: 85%; padding: 8px 10px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
.visitor { align-self: flex-end; background: #d0ebff; }
.agent { align-self: flex-start; background: #f1f3f5; }
.system { align-self: center; color: #495057; font-style: italic; }
.who { display: block; font-size: 11px; color: #495057; margin-bottom: 2px; }
form { display: flex; flex-direction: column; gap: 6px; padding: 12px; border-top: 1px solid #dee2e6; }
input, textarea { width: 100%; padding: 8px; border: 1px solid #adb5bd; border-radius: 6px; color: #212529; background: #fff; }
textarea { resize: none; min-height: 56px; }
form button, .again { border: 0; border-radius: 6px; padding: 8px 12px; background: #228be6; color: #fff; cursor: pointer; }
.note { color: #495057; }
.error { color: #c92a2a; }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Node[]) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function start(script: HTMLScriptElement) {
  const slug = script.dataset.workspace ?? '';
  const base = `${new URL(script.src).origin}/chat/${encodeURIComponent(slug)}`;
  const t = navigator.language?.toLowerCase().startsWith('de') ? strings.de : strings.en;
  const storeKey = `rapport-chat:${slug}`;
  const load = (): Saved | null => {
    try {
      return JSON.parse(localStorage.getItem(storeKey) ?? 'null');
    } catch {
      return null;
    }
  };

  const host = el('div');
  host.setAttribute('data-rapport-chat', '');
  const root = host.attachShadow({ mode: 'open' });
  const launcher = el('button', { className: 'launcher', type: 'button', textContent: t.open });
  launcher.setAttribute('aria-expanded', 'false');
  const body = el('div', { className: 'body' });
  body.setAttribute('aria-live', 'polite');
  const panel = el('section', { className: 'panel', hidden: true }, el('header', { textContent: t.title }), body);
  panel.setAttribute('aria-label', t.title);
  root.append(el('style', { textContent: css }), panel, launcher);
  document.body.append(host);

  let saved = load();
  let lastSeq = 0;
  let streaming: AbortController | null = null;
  let footer: HTMLElement | null = null;

  const setFooter = (f: HTMLElement | null) => {
    footer?.remove();
    footer = f;
    if (f) panel.append(f);
  };

  const show = (m: Message) => {
    if (m.seq <= lastSeq) return;
    lastSeq = m.seq;
    // The server's own notes (the conversation closed) are said by the widget, in the visitor's language.
    if (m.author === 'system' && Number.isInteger(m.seq)) return;
    const who = m.author === 'visitor' ? t.you : m.author === 'agent' ? t.agent : '';
    const bubble = el('div', { className: `msg ${m.author}` });
    if (who) bubble.append(el('span', { className: 'who', textContent: who }));
    bubble.append(document.createTextNode(m.body));
    body.append(bubble);
    body.scrollTop = body.scrollHeight;
  };

  const call = async (path: string, init: RequestInit = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (saved) headers['x-chat-token'] = saved.token;
    const res = await fetch(`${base}${path}`, { ...init, headers, credentials: 'omit' });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw new Error(data?.detail ?? data?.title ?? String(res.status));
    return data;
  };

  const field = <E extends HTMLInputElement | HTMLTextAreaElement>(label: string, input: E, max: number, required = false) => {
    input.setAttribute('aria-label', label);
    input.placeholder = label;
    input.maxLength = max;
    input.required = required;
    return input;
  };
  const textInput = (name: string, type = 'text') => Object.assign(document.createElement('input'), { name, type });
  const textArea = () => Object.assign(document.createElement('textarea'), { name: 'body' });

  const form = (fields: HTMLElement[], label: string, submit: (f: HTMLFormElement) => Promise<void>) => {
    const error = el('div', { className: 'error' });
    error.setAttribute('role', 'alert');
    const f = el('form', {}, ...fields, el('button', { type: 'submit', textContent: label }), error);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      const button = f.querySelector('button') as HTMLButtonElement;
      button.disabled = true;
      try {
        await submit(f);
      } catch (err) {
        error.textContent = t.failed + (err as Error).message;
      } finally {
        button.disabled = false;
      }
    });
    return f;
  };

  const ended = () => {
    streaming?.abort();
    show({ seq: lastSeq + 0.5, author: 'system', body: t.ended });
    const again = el('button', { className: 'again', type: 'button', textContent: t.again });
    again.addEventListener('click', () => {
      localStorage.removeItem(storeKey);
      saved = null;
      lastSeq = 0;
      body.replaceChildren();
      void begin();
    });
    setFooter(el('form', {}, again));
  };

  // The agent's answers as they come: an event stream read through fetch (EventSource cannot send the
  // token header), resumed after the last message seen whenever the server ends it.
  const listen = async () => {
    streaming?.abort();
    const abort = new AbortController();
    streaming = abort;
    while (!abort.signal.aborted && saved) {
      try {
        const res = await fetch(`${base}/conversations/${saved.id}/stream?after=${Math.floor(lastSeq)}`, {
          headers: { 'x-chat-token': saved.token },
          credentials: 'omit',
          signal: abort.signal,
        });
        if (res.status === 404) {
          localStorage.removeItem(storeKey);
          return;
        }
        if (!res.ok || !res.body) throw new Error(String(res.status));
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === 'message' && data) show(JSON.parse(data));
            if (event === 'closed') return ended();
            i = buf.indexOf('\n\n');
          }
        }
      } catch {
        if (abort.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
  };

  const chatting = () => {
    const text = field(t.message, textArea(), 2000, true);
    text.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        text.form?.requestSubmit();
      }
    });
    setFooter(
      form([text], t.send, async () => {
        show(await call(`/conversations/${saved?.id}/messages`, { method: 'POST', body: JSON.stringify({ body: text.value }) }));
        text.value = '';
      }),
    );
    void listen();
  };

  const begin = async () => {
    if (saved) {
      try {
        const conv = await call(`/conversations/${saved.id}`);
        for (const m of conv.messages) show(m);
        return conv.status === 'closed' ? ended() : chatting();
      } catch {
        localStorage.removeItem(storeKey);
        saved = null;
      }
    }
    const { online } = await call('/status').catch(() => ({ online: false }));
    const name = field(t.name, textInput('name'), 100);
    const text = field(t.message, textArea(), online ? 2000 : 5000, true);
    if (online) {
      const email = field(t.email, textInput('email', 'email'), 254);
      body.append(el('p', { className: 'note', textContent: t.intro }));
      setFooter(
        form([name, email, text], t.start, async () => {
          const started = await call('/conversations', {
            method: 'POST',
            body: JSON.stringify({
              body: text.value,
              ...(name.value.trim() ? { name: name.value.trim() } : {}),
              ...(email.value.trim() ? { email: email.value.trim() } : {}),
              pageUrl: location.href.slice(0, 500),
            }),
          });
          saved = { id: started.id, token: started.token };
          localStorage.setItem(storeKey, JSON.stringify(saved));
          body.replaceChildren();
          for (const m of started.messages) show(m);
          chatting();
        }),
      );
    } else {
      const email = field(t.emailRequired, textInput('email', 'email'), 254, true);
      body.append(el('p', { className: 'note', textContent: t.offlineIntro }));
      setFooter(
        form([name, email, text], t.leave, async () => {
          await call('/offline', {
            method: 'POST',
            body: JSON.stringify({
              body: text.value,
              email: email.value.trim(),
              ...(name.value.trim() ? { name: name.value.trim() } : {}),
            }),
          });
          body.replaceChildren(el('p', { className: 'note', textContent: t.thanks }));
          setFooter(null);
        }),
      );
    }
  };

  let begun = false;
  launcher.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    launcher.setAttribute('aria-expanded', String(!panel.hidden));
    launcher.textContent = panel.hidden ? t.open : t.close;
    if (!begun) {
      begun = true;
      void begin();
    }
  });
}

const script = document.currentScript as HTMLScriptElement | null;
if (script) {
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script));
}
