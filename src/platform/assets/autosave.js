// Autosave for long forms (progressive enhancement: without this script "Save and come back later" keeps the work).
// A form with data-module="app-autosave" and data-autosave="<url>" is posted to that URL a few seconds after typing
// stops. The URL answers JSON: { saved, version, savedAt } or 409 { conflict, message }. The version the form was
// opened at travels with every save, so a save over someone else's newer version is never applied.

const DELAY_MS = 3000;

export function initAutosave(form) {
  const url = form.dataset.autosave;
  const status = form.querySelector('[data-autosave-status]');
  const version = form.querySelector('[data-autosave-version]');
  if (!url || !status || !version || typeof fetch !== 'function') return;
  let timer = null;
  let busy = false;
  let again = false;
  let stopped = false;

  const say = (text) => {
    status.textContent = text;
  };

  async function save() {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const body = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (typeof v === 'string' && k !== 'action') body.append(k, v);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        credentials: 'same-origin',
        redirect: 'manual',
      });
      const type = res.headers.get('content-type') || '';
      if (!type.includes('application/json')) {
        stopped = true;
        say('Not saved automatically: you may have been signed out. Use “Save and come back later” to keep your work.');
        return;
      }
      const answer = await res.json();
      if (res.status === 401 || res.status === 409) {
        stopped = true;
        say(answer.message);
        return;
      }
      if (!res.ok) {
        say('Not saved automatically: check what you typed, then use “Save and continue”.');
        return;
      }
      version.value = String(answer.version);
      if (answer.saved) say(`Saved at ${answer.savedAt}`);
    } catch {
      say('Not saved automatically: check your connection. Your typing is still on this page.');
    } finally {
      busy = false;
      if (again && !stopped) {
        again = false;
        schedule();
      }
    }
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  });
}

for (const form of document.querySelectorAll('[data-module="app-autosave"]')) initAutosave(form);
