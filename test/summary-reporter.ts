import type { Reporter, TestCase, TestModule, TestSuite } from "vitest/node";

/**
 * Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after vitest's own
 * summary, so any CI that reads closing lines counts the tests.
 *
 * A test that never ran because a hook of its suite or file failed (beforeAll) counts as failed, not
 * skipped; a failure no test carries (a file that does not load, an afterAll that throws) counts as one.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed += 1;
        else if (state === "failed" || (test.options.mode === "run" && underFailedHook(test))) {
          counts.failed += 1;
          failedHere += 1;
        } else counts.skipped += 1;
      }
      const unattributed = [module, ...module.children.allSuites()].some(
        (entity) => entity.state() === "failed" && entity.errors().length > 0,
      );
      if (failedHere === 0 && (unattributed || module.state() === "failed")) counts.failed += 1;
    }
    process.stdout.write(
      `\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}

/** Whether a suite or the file around the test failed outside any test (a hook threw). */
function underFailedHook(test: TestCase): boolean {
  let parent: TestSuite | TestModule = test.parent;
  for (;;) {
    if (parent.errors().length > 0) return true;
    if (parent.type === "module") return false;
    parent = parent.parent;
  }
}
