module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // The single-file bundle (scripts/bundle.mjs) is build output.
  ignorePatterns: ['dist-bundle/**'],
});
