#!/bin/bash
# Build guard: functions that invite overflows or unbounded parsing have no
# place in pamsignal (STYLE.md). Lists each use and fails if there is any.
cd "${PS_SOURCE_ROOT:-$(dirname "$0")/..}" || exit 2
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|sscanf|fscanf|scanf|atoi|atol|atoll|strncpy|stpcpy|tmpnam|mktemp)[[:space:]]*\('
if grep -nE "$banned" src/*.c src/*/*.c src/*/*.h src/*/*/*.c src/*/*/*.h; then
	echo "1 banned function call found above"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "no banned functions in src/"
echo "1 passed, 0 failed"
