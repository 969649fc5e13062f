// How the tests' code is transpiled, in one place: jest's transform (jest.config.js) and the
// compiled tree the process tests run (test/support/compiled-tree.ts). CommonJS, like tsconfig's
// node16 output for our .ts files, and, as there, a dynamic import() stays a real import()
// (fhir-kit-client is an ES module).
module.exports = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs', ignoreDynamic: true },
  sourceMaps: 'inline',
};
