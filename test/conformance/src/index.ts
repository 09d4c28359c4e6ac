export { cases, type ConformanceCase, type Expectation } from './cases.js';
export { checkResponse } from './check.js';
export { conformanceSuite, type SuiteOptions } from './suite.js';
export { createInProcessRunner, type InProcessOptions } from './in-process.js';
export { bytesOf, type CaseRequest, type CaseResponse, type Feature, type Runner } from './runner.js';
export * as fixtures from './fixtures.js';
