// The arithmetic every measure shares: medians of interleaved rounds, their spread, ratios against
// a reference measured in the same run, and the Markdown tables the bench prints.

/** The middle value (the mean of the two middle values for an even count); null for no values. */
export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** (max - min) / median, as a fraction: how far apart the rounds were. */
export function spread(values) {
  const finite = values.filter((value) => Number.isFinite(value));
  const middle = median(finite);
  if (middle === null || middle === 0) return null;
  return (Math.max(...finite) - Math.min(...finite)) / middle;
}

/**
 * How many times better `value` is than `reference`: for a rate (higher is better) value / reference,
 * for a cost (lower is better) reference / value. 1.00x is level, above 1 is better.
 */
export function ratio(value, reference, better = 'higher') {
  if (value == null || reference == null || value === 0 || reference === 0) return null;
  return better === 'higher' ? value / reference : reference / value;
}

/** The order in which `names` run in round `round`: rotated by one each round (A B C, B C A, C A B ...). */
export function roundOrder(names, round) {
  const shift = round % names.length;
  return [...names.slice(shift), ...names.slice(0, shift)];
}

/** A number with about three significant digits: 0.052, 5.21, 52.1, 521, 5210, 52.1k. */
export function num(value) {
  if (value == null) return '-';
  const size = Math.abs(value);
  if (size >= 1e5) return `${(value / 1e3).toFixed(0)}k`;
  if (size >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (size >= 1000) return value.toFixed(0);
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  if (size >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export const times = (value) => (value == null ? '-' : `${value.toFixed(2)}x`);
export const percent = (value) => (value == null ? '-' : `±${Math.round(value * 100)}%`);

/** A Markdown table: `columns` are { title, align: 'left' | 'right' }, `rows` arrays of strings. */
export function table(columns, rows) {
  const head = `| ${columns.map((column) => column.title).join(' | ')} |`;
  const rule = `|${columns.map((column) => (column.align === 'left' ? '---' : '---:')).join('|')}|`;
  return [head, rule, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}
