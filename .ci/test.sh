#!/usr/bin/env bash
# `npm test`: the type-check (tsc --noEmit) and every spec file (mocha), run side by side. tsc
# only reads, the specs only run code, so neither waits for the other; its output is held back and
# printed after mocha's. Fails when either fails.
# - tsc is incremental: what it learnt is kept in node_modules/.cache (so `npm ci` starts afresh),
#   and an unchanged file is not checked again (measured: 18 s of CPU cold, 8 s warm).
# - Spec files run in parallel workers (MOCHA_JOBS, default 2: the 2-core build machines); every
#   spec file is independent of the others, and each worker makes its own shared stack runs
#   (tests/helpers/stacks.ts).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

tsc_log=$(mktemp)
trap 'rm -f "$tsc_log"' EXIT
npx tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/platform-tsc/tsbuildinfo >"$tsc_log" 2>&1 &
tsc_pid=$!

# The longest spec files (measured: real bash, npm ci and tsc in copies; 15-30 s each) start first,
# on different workers, so the workers finish together instead of one running them back to back.
shopt -s globstar
slow_first=(tests/host/apply.test.ts tests/policies/self-contained.test.ts tests/tiers/fourth-tier.test.ts)
specs=("${slow_first[@]}")
for spec in tests/**/*.test.ts; do
    [[ " ${slow_first[*]} " == *" $spec "* ]] || specs+=("$spec")
done
npx mocha --parallel --jobs "${MOCHA_JOBS:-2}" "${specs[@]}"
mocha_status=$?

wait "$tsc_pid"
tsc_status=$?
if [ "$tsc_status" -ne 0 ]; then
    cat "$tsc_log"
    echo "npm test: tsc --noEmit failed (exit $tsc_status)" >&2
fi
[ "$mocha_status" -eq 0 ] && [ "$tsc_status" -eq 0 ]
