/** The one `Range: bytes=` parser, shared by @adapt/node's static files and sendFile's streaming. */

/**
 * One `bytes=` range as [start, end], 'unsatisfiable', or null to send the whole file (several
 * ranges, or a header we do not understand).
 */
export function parseByteRange(header: string, size: number): [number, number] | 'unsatisfiable' | null {
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return null;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return [start, end];
}
