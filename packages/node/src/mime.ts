/** Content types by file extension: one home, in @adapt/core (sendFile uses them too). */
export { mimeType, mimeTypes } from '@adapt/core';
