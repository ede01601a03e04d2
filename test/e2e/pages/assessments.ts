import type { Locator } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class StartAssessmentPage extends AppPage {
  readonly heading = 'Start an early help assessment';
}

export class AssessmentPage extends AppPage {
  readonly heading = 'Early help assessment';

  status(): Locator {
    return this.page.locator('[data-qa="status"]');
  }
  history(): Locator {
    return this.page.locator('[data-qa="sign-off-history"]');
  }
}

export class AssessmentSectionPage extends AppPage {
  constructor(
    page: ConstructorParameters<typeof AppPage>[0],
    readonly heading: string | RegExp = /.+/,
  ) {
    super(page);
  }
  autosaveStatus(): Locator {
    return this.page.locator('[data-qa="autosave-status"]');
  }
}

export class SubmitAssessmentPage extends AppPage {
  readonly heading = 'Submit for sign-off';
}

export class SignOffAssessmentPage extends AppPage {
  readonly heading = 'Sign off or return';
}

export class AttachAgencyAssessmentPage extends AppPage {
  readonly heading = 'Attach an agency’s own assessment';
}

/** An agency's own assessment's page: its h1 is the assessment's name or tool. */
export class AgencyAssessmentPage extends AppPage {
  readonly heading: string | RegExp = /AssetPlus|assessment/;
}
