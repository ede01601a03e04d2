/**
 * CSV for spreadsheets. A cell that a spreadsheet would read as a formula (starting =, +, -, @, tab or carriage
 * return) is prefixed with an apostrophe, so an exported reason cannot run anything when the file is opened.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: string[][]): string {
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
