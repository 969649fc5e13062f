// Longest jest file first, by the durations measured in test/bundles/durations.json (a bundle: the
// sum of its files): with a few workers, a long file started last would keep one core busy while
// the other waits. Jest's own order needs timings from an earlier run on the same checkout, which
// a clean clone in CI does not have.
const Sequencer = require('@jest/test-sequencer').default;
const { expectedSeconds, unknownSeconds } = require('./plan');

module.exports = class LongestFirst extends Sequencer {
  sort(tests) {
    const expected = expectedSeconds();
    const seconds = (test) => expected.get(test.path) ?? unknownSeconds;
    return [...tests].sort((a, b) => seconds(b) - seconds(a) || a.path.localeCompare(b.path));
  }
};
