// Progressive enhancement only: every page works without this script.

import { initTimeoutWarning } from '/assets/app/timeout-warning.js';
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();
for (const dialog of document.querySelectorAll('[data-module="app-timeout-warning"]')) initTimeoutWarning(dialog);
