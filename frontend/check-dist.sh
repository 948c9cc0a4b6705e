#!/usr/bin/env bash
# Proves that the committed frontend/dist is what the sources build to:
# installs the pinned packages (npm ci, from package-lock.json), type-checks,
# runs the unit tests, rebuilds, and fails when dist/ differs from the commit.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npm test
npm run build
if ! git diff --exit-code --stat -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
	echo "check-dist: frontend/dist does not match the sources: run 'npm ci && npm run build' in frontend/ and commit dist/" >&2
	git ls-files --others --exclude-standard -- dist >&2
	exit 1
fi
echo "check-dist: frontend/dist matches the sources"
