import { AppPage } from './app-page.ts';

export class DecisionLetterPage extends AppPage {
  readonly heading = 'What the panel decided about help for your family';
}

export class WithdrawRequestPage extends AppPage {
  readonly heading = /^Withdraw the request to /;
}

export class ChildRequestPage extends AppPage {
  readonly heading = /^Request to /;
}
