#!/usr/bin/env bash
# Mutation check of the authorization rulebook: flips each entry of ROLE_CAPABILITIES, INCIDENT_TRANSITIONS
# and DIRECTIVE_TRANSITIONS in turn, runs the authorization matrix (test/integration/authorization/matrix.test.ts) against
# each flip in one jest process, and reports killed/survived flips (also in test-artifacts/mutation-check.txt).
# Not part of `npm test`: it takes ~50 minutes on 2 cores (755 flips); MUTATION_CHECK_BUDGET_MIN (default 19) bounds it,
# so give it MUTATION_CHECK_BUDGET_MIN=55. MUTATION_CHECK_ONLY=<regex over flip ids> runs a subset.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build # the jest global setup loads the compiled dist/
MUTATION_CHECK=1 exec npx jest --runInBand test/integration/authorization/matrix.test.ts "$@"
