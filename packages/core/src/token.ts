/** Small checks shared by several modules, so that a bundle holds each once. */

/** An RFC 9110 token (header names, methods). */
export const httpToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True for the char code of a hex digit (0-9, A-F, a-f). */
export function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}
