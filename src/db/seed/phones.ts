/**
 * Telephone numbers for demo data, only from the ranges Ofcom keeps for drama and fiction, so no
 * demo number can ever ring a real person or service.
 */
export type PhoneRange = 'leeds' | 'leicester' | 'fiction' | 'london' | 'mobile' | 'freephone';

const RANGES: Record<PhoneRange, (n: string) => string> = {
  leeds: (n) => `0113 496 0${n}`,
  leicester: (n) => `0116 496 0${n}`,
  fiction: (n) => `01632 960${n}`,
  london: (n) => `020 7946 0${n}`,
  mobile: (n) => `07700 900${n}`,
  freephone: (n) => `0808 157 0${n}`,
};

/** Hands out numbers in order within each range; each range holds 1,000 numbers. */
export class PhoneBook {
  private readonly next = new Map<PhoneRange, number>();

  take(range: PhoneRange): string {
    const n = this.next.get(range) ?? 100;
    if (n > 999) throw new Error(`the ${range} drama range is used up`);
    this.next.set(range, n + 1);
    return RANGES[range](String(n).padStart(3, '0'));
  }
}

/** True when a number lies in one of the fiction ranges above. */
export function isDramaNumber(phone: string): boolean {
  return /^(0113 496 0\d{3}|0116 496 0\d{3}|01632 960\d{3}|020 7946 0\d{3}|07700 900\d{3}|0808 157 0\d{3})$/.test(
    phone,
  );
}
