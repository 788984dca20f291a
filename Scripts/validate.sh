#!/usr/bin/env bash
# Mechanical style check: `swift format lint --strict` with the repository's .swift-format (hummingbird's, line
# length 120) over every Swift source and test directory. Prints each finding as `file:line:col: warning: ...`
# and a count per directory; exits 1 when there is any finding, 2 when swift-format itself cannot run.
#
#   Scripts/validate.sh            # lint Sources Jobs Workers Tests
#   Scripts/validate.sh Jobs       # lint only the directories given
#
# To fix findings in files you own: `swift format format --in-place --recursive <paths>`.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! swift format --version >/dev/null 2>&1; then
    echo "validate: 'swift format' is not available on this toolchain (it ships with Swift 6)" >&2
    exit 2
fi

directories=("$@")
if [ ${#directories[@]} -eq 0 ]; then
    directories=(Sources Jobs Workers Tests)
fi

report=$(mktemp)
trap 'rm -f "$report"' EXIT

swift format lint --strict --recursive --parallel --configuration .swift-format "${directories[@]}" 2>"$report"
status=$?
cat "$report" >&2

findings=$(grep -cE '^[^:]+\.swift:[0-9]+:[0-9]+: (warning|error):' "$report" || true)
for directory in "${directories[@]}"; do
    count=$(grep -cE "^(\./)?${directory%/}/[^:]*\.swift:[0-9]+:[0-9]+: (warning|error):" "$report" || true)
    printf 'validate: %-8s %s finding(s)\n' "$directory" "$count"
done

if [ "$findings" -gt 0 ] || [ "$status" -ne 0 ]; then
    echo "validate: FAILED, $findings finding(s)" >&2
    exit 1
fi
echo "validate: OK"
