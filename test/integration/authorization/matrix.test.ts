import { startTestHub, type TestHub } from '../../harness/hub';
import { MatrixClient } from '../../matrix/client';
import { Factory } from '../../matrix/fixtures';
import { runMatrix, summarize, coverageGaps, tableShapeProblems } from '../../matrix/runner';
import { runMutationCheck } from '../../matrix/mutation-check';

/**
 * Per-role authorization, every rule on every path: the literal rows of test/matrix/rows-*.ts, run
 * over HTTP against the real server and PostgreSQL. With MUTATION_CHECK=1 (npm run mutation:check)
 * this file instead flips each entry of the rulebook's tables in turn and reports which flips the
 * matrix notices.
 */
if (process.env.MUTATION_CHECK === '1') {
  const budgetMin = Number(process.env.MUTATION_CHECK_BUDGET_MIN ?? 19);
  test(
    'mutation check: every flip of the rulebook tables makes a matrix case fail, except the listed equivalent ones',
    async () => {
      const report = await runMutationCheck(budgetMin * 60_000);
      console.log(report.text);
      expect({ unexplainedSurvivors: report.unexplainedSurvivors, staleEquivalences: report.staleEquivalences, notRun: report.notRun }).toEqual({
        unexplainedSurvivors: [],
        staleEquivalences: [],
        notRun: [],
      });
    },
    (budgetMin + 20) * 60_000,
  ); // flips stop at the budget; the baseline and re-runs of survivors come on top
} else {
  describe('authorization matrix', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(async () => {
      await hub.close();
    });

    test('the literal tables name every demo account, with one cell per column', () => {
      expect(tableShapeProblems()).toEqual([]);
    });

    test('every (account, operation, fixture) answers as DESIGN.md §3 says, and viewerCan predicts every mutation', async () => {
      const client = new MatrixClient(hub);
      const results = await runMatrix(client, new Factory(client, `m${process.pid}`));
      const { lines, failures } = summarize(results);
      console.log([...lines, `matrix: ${client.requests} HTTP requests`].join('\n'));
      expect(failures).toEqual([]);
      // At least one allowing case per rule and per organization kind, so no rule is only ever tested by refusals.
      expect(coverageGaps(results)).toEqual({ rules: [], kinds: [] });
    }, 900_000); // ~2 minutes on an idle 2-core machine; a loaded one (CI running beside other work) takes several times that
  });
}
