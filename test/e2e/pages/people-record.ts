/**
 * Page objects for changing a child's index record: identifying details, names, identifiers, address, family,
 * involvement and shielding. Each checks its h1 and runs axe on arrival (see AppPage).
 */
import type { Page } from 'playwright-core';
import { AppPage } from './app-page.ts';
import { HomePage } from './home.ts';
import { IndexCardPage } from './people.ts';

/** Fills a GOV.UK date input by its fieldset legend. */
async function fillDate(page: Page, legend: string | RegExp, iso: string) {
  const [y, m, d] = iso.split('-');
  const group = page.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(String(Number(d)));
  await group.getByLabel('Month').fill(String(Number(m)));
  await group.getByLabel('Year').fill(y!);
}

export class ChangeDetailsPage extends AppPage {
  readonly heading = 'Change identifying details';

  static async from(card: IndexCardPage): Promise<ChangeDetailsPage> {
    await card.page.getByRole('link', { name: 'Change identifying details' }).click();
    return ChangeDetailsPage.verifyOnPage(card.page);
  }

  async set(fields: { knownAs?: string; nhsNumber?: string; firstLanguage?: string }) {
    if (fields.knownAs !== undefined) await this.page.getByLabel('Known as (optional)').fill(fields.knownAs);
    if (fields.nhsNumber !== undefined) await this.page.getByLabel('NHS number').fill(fields.nhsNumber);
    if (fields.firstLanguage !== undefined) {
      await this.page.getByLabel('First language (optional)').fill(fields.firstLanguage);
    }
  }

  async saveWithErrors(): Promise<ChangeDetailsPage> {
    await this.page.getByRole('button', { name: 'Save changes' }).click();
    return ChangeDetailsPage.verifyOnPage(this.page);
  }

  async save(name: string): Promise<IndexCardPage> {
    await this.page.getByRole('button', { name: 'Save changes' }).click();
    return IndexCardPage.verifyFor(this.page, name);
  }
}

export class AddNamePage extends AppPage {
  readonly heading = 'Add a previous name or alias';

  static async from(card: IndexCardPage): Promise<AddNamePage> {
    await card.page.getByRole('link', { name: 'Add a previous name or alias' }).click();
    return AddNamePage.verifyOnPage(card.page);
  }

  async add(kind: string, given: string, family: string, childName: string): Promise<IndexCardPage> {
    await this.page.getByLabel(kind, { exact: true }).check();
    await this.page.getByLabel('First name', { exact: true }).fill(given);
    await this.page.getByLabel('Last name', { exact: true }).fill(family);
    await this.page.getByRole('button', { name: 'Add name' }).click();
    return IndexCardPage.verifyFor(this.page, childName);
  }
}

export class AddIdentifierPage extends AppPage {
  readonly heading = 'Add an agency identifier';

  static async from(card: IndexCardPage): Promise<AddIdentifierPage> {
    await card.page.getByRole('link', { name: 'Add an agency identifier' }).click();
    return AddIdentifierPage.verifyOnPage(card.page);
  }

  async add(scheme: string, value: string, childName: string): Promise<IndexCardPage> {
    await this.page.getByLabel('What is the identifier?').fill(scheme);
    await this.page.getByLabel('Identifier', { exact: true }).fill(value);
    await this.page.getByRole('button', { name: 'Add identifier' }).click();
    return IndexCardPage.verifyFor(this.page, childName);
  }
}

export class ChangeAddressPage extends AppPage {
  readonly heading = 'Record a change of address';

  static async from(card: IndexCardPage): Promise<ChangeAddressPage> {
    await card.page.getByRole('link', { name: 'Record a change of address' }).click();
    return ChangeAddressPage.verifyOnPage(card.page);
  }

  async saveWithErrors(): Promise<ChangeAddressPage> {
    await this.page.getByRole('button', { name: 'Save address' }).click();
    return ChangeAddressPage.verifyOnPage(this.page);
  }

  async move(
    a: { line1: string; postcode: string; movedIn: string; alsoMoved?: string[] },
    childName: string,
  ): Promise<IndexCardPage> {
    await this.page.getByLabel('Address line 1').fill(a.line1);
    await this.page.getByLabel('Postcode').fill(a.postcode);
    await fillDate(this.page, 'Date they moved', a.movedIn);
    for (const who of a.alsoMoved ?? []) await this.page.getByLabel(who).check();
    await this.page.getByRole('button', { name: 'Save address' }).click();
    return IndexCardPage.verifyFor(this.page, childName);
  }
}

export class AddFamilyMemberPage extends AppPage {
  readonly heading = 'Add a family member';

  static async from(card: IndexCardPage): Promise<AddFamilyMemberPage> {
    await card.page.getByRole('link', { name: 'Add a family member' }).click();
    return AddFamilyMemberPage.verifyOnPage(card.page);
  }

  async addNewParent(given: string, family: string, childName: string): Promise<IndexCardPage> {
    await this.page
      .getByRole('group', { name: /Who are they to/ })
      .getByLabel('Parent', { exact: true })
      .check();
    await this.page.getByRole('group', { name: 'Do they have parental responsibility?' }).getByLabel('Yes').check();
    await this.page.getByLabel('Someone not listed').check();
    await this.page.getByLabel('First name').fill(given);
    await this.page.getByLabel('Last name').fill(family);
    await this.page.getByRole('group', { name: 'Sex' }).getByLabel('Male', { exact: true }).check();
    await this.page.getByRole('button', { name: 'Add family member' }).click();
    return IndexCardPage.verifyFor(this.page, childName);
  }
}

export class RecordInvolvementPage extends AppPage {
  readonly heading = 'Record that you work with this child';

  static async from(card: IndexCardPage): Promise<RecordInvolvementPage> {
    await card.page.getByRole('link', { name: 'Record that you work with this child' }).click();
    return RecordInvolvementPage.verifyOnPage(card.page);
  }

  async record(role: string, phone: string, childName: string): Promise<IndexCardPage> {
    await this.page.getByLabel('Your role with the child').fill(role);
    await this.page.getByLabel('Why are you adding yourself to this child?').fill('A referral from the school');
    await this.page.getByLabel(/Phone number to reach you/).fill(phone);
    await this.page.getByRole('button', { name: 'Save' }).click();
    return IndexCardPage.verifyFor(this.page, childName);
  }
}

export class EndInvolvementPage extends AppPage {
  readonly heading = 'End your involvement';

  static async from(card: IndexCardPage, role: string): Promise<EndInvolvementPage> {
    await card.page.getByRole('link', { name: `End your involvement as ${role}` }).click();
    return EndInvolvementPage.verifyOnPage(card.page);
  }

  async end(iso: string, childName: string): Promise<IndexCardPage> {
    await fillDate(this.page, 'When did it end?', iso);
    await this.page.getByRole('button', { name: 'End involvement' }).click();
    return IndexCardPage.verifyFor(this.page, childName);
  }
}

export class ShieldingPage extends AppPage {
  heading: string | RegExp = /^(Shield this child's whereabouts|Lift shielding)$/;

  static async from(card: IndexCardPage, link: string): Promise<ShieldingPage> {
    await card.page.getByRole('link', { name: link }).click();
    return ShieldingPage.verifyOnPage(card.page);
  }

  async submit(button: string, reason: string): Promise<void> {
    await this.page.getByLabel('Why?').fill(reason);
    await this.page.getByRole('button', { name: button }).click();
  }
}

/** The requests to lift shielding that wait for a second person (safeguarding leads and managers). */
export class ShieldingRequestsPage extends AppPage {
  readonly heading = 'Shielding changes waiting for approval';

  /** From the home page's link. */
  static async fromHome(page: Page): Promise<ShieldingRequestsPage> {
    await HomePage.open(page);
    await page.getByRole('link', { name: 'Shielding changes waiting for approval' }).click();
    return ShieldingRequestsPage.verifyOnPage(page);
  }

  async open(childName: string): Promise<ShieldingRequestPage> {
    await this.page.getByRole('link', { name: new RegExp(`^${childName}`) }).click();
    return ShieldingRequestPage.verifyOnPage(this.page);
  }
}

export class ShieldingRequestPage extends AppPage {
  readonly heading = 'Request to lift shielding';

  async decide(decision: 'Approve: lift shielding' | 'Decline: the child stays shielded', reason: string) {
    await this.page.getByLabel(decision).check();
    await this.page.getByLabel('Why?').fill(reason);
    await this.page.getByRole('button', { name: 'Save decision' }).click();
    return ShieldingRequestsPage.verifyOnPage(this.page);
  }
}
