#!/usr/bin/env bash
# selftest.sh — the project's own test: solutions pass, skeletons score 0, sanitizers clean, mutants caught, docs build.
set -u
cd "$(dirname "$0")/../.."

passed=0 failed=0
failures=()
check() { # check NAME STATUS [DETAIL]
  if [ "$2" = 0 ]; then
    passed=$((passed + 1)); printf '  ok    %s\n' "$1"
  else
    failed=$((failed + 1)); failures+=("$1"); printf '  FAIL  %s %s\n' "$1" "${3:-}"
  fi
}
started=$(date +%s)
phase_start=
phase() { # prints the time the previous phase took, then the new heading
  local now; now=$(date +%s)
  [ -z "$phase_start" ] || printf '  (%d s)\n' $((now - phase_start))
  phase_start=$now
  echo "== $1"
}
log=build/selftest
rm -rf "$log"
mkdir -p "$log"
export LAB_LANG=en

sum_scores() { # total score of a results dir
  cat "$1"/*.summary 2>/dev/null | awk '{ s += $4 } END { print s + 0 }'
}

phase "solutions"
make --no-print-directory grade IMPL=solutions >"$log/solutions.txt" 2>&1
check "every solution passes every test" $? "(see $log/solutions.txt)"
tail -n "$(( $(ls -d lessons/[0-9][0-9]-*/ | wc -l) + 4 ))" "$log/solutions.txt"
if command -v python3 >/dev/null; then
  python3 - build/solutions/results.json <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["score"] == r["max_score"] > 0, "score"
for t in r["tests"]:
    assert set(t) >= {"name", "number", "score", "max_score", "status", "output"}, t
    assert t["status"] in ("passed", "failed")
EOF
  check "results.json is valid Gradescope JSON" $?
fi

phase "demo programs (reference build, against loopback peers)"
make --no-print-directory test-demos IMPL=solutions >"$log/demos.txt" 2>&1
check "every demo program behaves as its document's program" $? "(see $log/demos.txt)"

phase "skeletons"
t0=$(date +%s)
make --no-print-directory test >"$log/skeletons.txt" 2>&1
status=$?
t1=$(date +%s)
[ $status -ne 0 ]; check "make test on the skeletons exits non-zero" $?
score=$(sum_scores build/lessons/results)
[ "$score" = 0 ]; check "every skeleton scores 0 (got $score)" $? "(see $log/skeletons.txt)"
grep -q '^  PASS' "$log/skeletons.txt"; [ $? -ne 0 ]; check "no skeleton passes any test" $?
[ $((t1 - t0)) -lt 60 ]; check "skeletons graded in $((t1 - t0)) s (< 60 s)" $?

phase "sanitizers (ASan + UBSan) on the solutions"
# Sanitized code runs slower: give every time limit twice as long.
CK_TIMEOUT_MULTIPLIER=2 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  make --no-print-directory test IMPL=solutions SAN=1 >"$log/sanitizers.txt" 2>&1
check "solutions pass under -fsanitize=address,undefined" $? "(see $log/sanitizers.txt)"
! grep -q 'runtime error\|AddressSanitizer\|LeakSanitizer' "$log/sanitizers.txt"
check "no sanitizer report" $?

phase "mutants (typical mistakes must fail)"
run_mutant() { # lesson file: prints "ok|FAIL description" lines
  local lesson=$1 file=$2 mut bin results expect want got
  mut=$(basename "${file%.*}")
  bin="build/mutants/$lesson/$mut"
  results="build/selftest/mutants/$lesson--$mut"
  mkdir -p "$results"
  expect=$(sed '/^--- /q' "$file" | head -n 20) # the header, before a patch's diff
  local env_extra=("LAB_UNIT_SHOWN=$file")
  # A submission that must score 0 mostly times out: shorter limits keep this quick.
  if grep -q 'expect-score: 0' <<<"$expect"; then env_extra+=(LAB_TIMEOUT=0.25); fi
  want=$(sed -n 's/.*expect-fail:\(.*\)/\1/p' <<<"$expect" | sed 's/\*\///')
  # A mutant that must score 0 runs every test; the others only the tests they name.
  local only=()
  grep -q 'expect-score: 0' <<<"$expect" || read -r -a only <<<"$(echo $want)"
  env "${env_extra[@]}" "$bin" --out "$results" "${only[@]}" >"$results/run.txt" 2>&1
  if grep -q 'expect-score: 0' <<<"$expect"; then
    read -r _ _ _ got _ <"$results/$lesson.summary"
    if [ "$got" = 0 ]; then echo "ok $lesson/$mut scores 0"; else echo "FAIL $lesson/$mut scores $got, not 0"; fi
  fi
  for t in $want; do
    if grep -q "^  FAIL  $t " "$results/run.txt"; then
      echo "ok $lesson/$mut fails $t"
    else
      echo "FAIL $lesson/$mut: $t did not fail (see $results/run.txt)"
    fi
  done
}
export -f run_mutant
if ls tests/mutants/*/*.c tests/mutants/*/*.patch >/dev/null 2>&1; then
  if make --no-print-directory -j"$(nproc)" mutants IMPL=solutions >"$log/mutants-build.txt" 2>&1; then
    check "every mutant builds" 0
    # Mutants mostly wait (timeouts, blocked peers), so run more than the core
    # count at once; the all-blocking ones, the longest, go first.
    for f in $(ls tests/mutants/*/hang.c) $(ls tests/mutants/*/*.c tests/mutants/*/*.patch | grep -v '/hang\.c$'); do
      echo "$(basename "$(dirname "$f")") $f"
    done | xargs -P 8 -L 1 bash -c 'run_mutant "$0" "$1"' >"$log/mutants.txt" 2>&1
    while read -r verdict rest; do
      if [ "$verdict" = ok ]; then check "$rest" 0; else check "$rest" 1; fi
    done < <(sort -k2 "$log/mutants.txt")
  else
    check "every mutant builds" 1 "(see $log/mutants-build.txt)"
  fi
fi

phase "no process left behind"
sleep 0.2
# Only this checkout's processes: other checkouts may be grading right now.
leftover=$(for pid in $(pgrep -f 'build/(mutants/|[^ ]*/tests/|[^ ]*/bin/)' || true); do
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$PWD" ] && ps -o pid=,args= -p "$pid"
done)
[ -z "$leftover" ]; check "no grader or student process is still running" $? "$leftover"

phase "bilingual lesson texts"
# The heading levels of a Markdown file, in order, outside code fences: "1 2 2 3 ...".
heading_levels() { awk '/^```/ { fence = !fence; next } !fence && /^#+ / { match($0, /^#+/); printf "%d ", RLENGTH }' "$1"; }
for dir in . lessons/[0-9][0-9]-*; do
  en="$dir/README.en.md" zh="$dir/README.zh.md"
  if [ ! -f "$en" ] || [ ! -f "$zh" ]; then
    check "$dir has README.en.md and README.zh.md" 1; continue
  fi
  same=0
  [ "$(heading_levels "$en")" = "$(heading_levels "$zh")" ] || same=1
  grep -q 'README.zh.md' "$en" && grep -q 'README.en.md' "$zh" || same=1
  check "$dir: README.en.md and README.zh.md have the same sections and link each other" $same
done

# Every doxygen block of a lesson header has an English and a Chinese part.
missing=$(awk '
  /\/\*\*/ { inside = 1; start = FNR; en = 0; zh = 0 }
  inside && /\\~english/ { en = 1 }
  inside && /\\~chinese/ { zh = 1 }
  inside && /\*\// { if (!(en && zh)) print FILENAME ":" start; inside = 0 }
' lessons/*.h lessons/[0-9][0-9]-*/*.h)
[ -z "$missing" ]; check "every doxygen block of the lesson headers is in English and Chinese" $? "$missing"

phase "PHP-to-C map"
if [ -d ../shared/seeds ]; then
  missing=$(grep -ohiE '\b(socket_[a-z_]+|stream_socket_[a-z_]+|getprotobyname|fsockopen)\b' ../shared/seeds/*.txt |
    tr 'A-Z' 'a-z' | sort -u | grep -vxFf <(grep -v '^#' docs/php-functions.txt) || true)
  [ -z "$missing" ]; check "docs/php-functions.txt lists every function of the documents" $? "$missing"
fi
for lang in en zh; do
  missing=$(grep -v '^#' docs/php-functions.txt | while read -r f; do
    grep "\`$f()\`" "docs/$lang/php-to-c.md" | grep -q "@ref lesson" || echo "$f"; done)
  [ -z "$missing" ]; check "docs/$lang/php-to-c.md maps all $(grep -vc '^#' docs/php-functions.txt) functions to the lessons that teach them" $? "$missing"
done

if [ -f docs/build.sh ]; then
  phase "docs"
  make --no-print-directory docs >"$log/docs.txt" 2>&1
  check "make docs builds both sites without warnings" $? "(see $log/docs.txt)"
fi

phase "summary"
echo "selftest took $(( $(date +%s) - started )) s"
if [ $failed -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "selftest: $passed passed, $failed failed"
[ $failed = 0 ]
