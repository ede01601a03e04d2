// The timeout warning (GOV.UK / MoJ pattern): a modal dialog two minutes before the idle timeout, with
// "Stay signed in" (extends the session) and "Sign out". Progressive enhancement: without this script the
// dialog is never opened, and the server's idle timeout and kept-form page work as before.

function inWords(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds > 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minutes`;
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

export function initTimeoutWarning(dialog) {
  if (typeof dialog.showModal !== 'function') return;
  const idleMs = Number(dialog.dataset.idleMinutes) * 60_000;
  const warnMs = Math.min(Number(dialog.dataset.warnSeconds) * 1000, idleMs / 2);
  if (!(idleMs > 0)) return;
  const remaining = dialog.querySelector('[data-timeout-remaining]');
  const announce = dialog.querySelector('[data-timeout-announce]');
  const stay = dialog.querySelector('[data-timeout-stay]');
  let deadline = 0;
  let timers = [];
  let returnFocus = null;
  let lastAnnounced = '';

  const clear = () => {
    for (const t of timers) clearTimeout(t);
    timers = [];
  };

  const update = () => {
    const left = deadline - Date.now();
    const words = inWords(left);
    remaining.textContent = words;
    // Screen readers hear the time left when the dialog opens, then each minute and in the last 20 seconds.
    const spoken = left > 60_000 ? words : left > 20_000 ? '1 minute' : inWords(Math.ceil(left / 10_000) * 10_000);
    if (spoken !== lastAnnounced) {
      lastAnnounced = spoken;
      announce.textContent = `You will be signed out in ${spoken}.`;
    }
    if (left > 0) timers.push(setTimeout(update, 1000));
  };

  const open = () => {
    returnFocus = document.activeElement;
    lastAnnounced = '';
    dialog.showModal();
    stay.focus();
    update();
  };

  const schedule = () => {
    clear();
    deadline = Date.now() + idleMs;
    timers.push(setTimeout(open, idleMs - warnMs));
    // At the timeout the page is reloaded: the server finds the session ended and asks the person to sign in.
    timers.push(setTimeout(() => window.location.reload(), idleMs + 1000));
  };

  const close = () => {
    if (dialog.open) dialog.close();
    announce.textContent = '';
    if (returnFocus && typeof returnFocus.focus === 'function') returnFocus.focus();
  };

  const keepAlive = async () => {
    try {
      const res = await fetch('/session/keep-alive', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: stay.dataset.csrf ?? '' }),
      });
      if (!res.ok) throw new Error(`keep-alive answered ${res.status}`);
      close();
      schedule();
    } catch {
      window.location.reload();
    }
  };

  stay.addEventListener('click', keepAlive);
  // Escape closes the dialog as "Stay signed in" does: the person is clearly still there.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    keepAlive();
  });
  schedule();
}
