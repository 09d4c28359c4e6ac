/** An RFC 9110 token (header names, methods); shared so that a bundle holds it once. */
export const httpToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
