/** The express5 battery app as an adapt app, the entry `adapt build` bundles in the CLI conformance tests. */
import { fromNodeHandler } from '@adapt/core';
import { createFrameworkApp } from '../frameworks.js';

export default fromNodeHandler(await createFrameworkApp('express5'));
