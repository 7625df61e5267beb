#!/usr/bin/env bash
# grade.sh — runs the lessons' graders side by side, prints each report and the score table, writes results.json.
# usage: grade.sh OUT_DIR IMPL [--json] LESSON...
set -u

out=$1 impl=$2
shift 2
json=0
if [ "${1:-}" = "--json" ]; then json=1; shift; fi
lessons=("$@")
results="$out/results"
rm -rf "$results"
mkdir -p "$results"

zh=0
for v in "${LAB_LANG:-}" "${LC_ALL:-}" "${LC_MESSAGES:-}" "${LANG:-}"; do
  if [ -n "$v" ]; then case "$v" in zh*) zh=1 ;; esac; break; fi
done
say() { if [ $zh = 1 ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }

# Points declared in a test file, for a lesson whose grader could not be built.
declared_tests() { sed -n 's/^LAB_TEST(\([a-z0-9_]*\), *\([0-9]*\)).*/\1 \2/p' "tests/$1.c"; }

start=$(date +%s.%N)
# Blocked tests cost wall time, not CPU: run every lesson at once (LAB_JOBS limits it).
jobs_max=${LAB_JOBS:-${#lessons[@]}}
for lesson in "${lessons[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
  bin="$out/tests/$lesson"
  if [ -x "$bin" ]; then
    "$bin" --out "$results" >"$results/$lesson.out" 2>&1 &
  fi
done
wait

for lesson in "${lessons[@]}"; do
  if [ -f "$results/$lesson.summary" ]; then
    cat "$results/$lesson.out"
    continue
  fi
  # Not built, or the grader itself died: every declared test scores 0.
  why=$(say "did not build (see the compiler messages above)" "没有编译成功（见上面的编译器输出）")
  [ -x "$out/tests/$lesson" ] && why=$(say "the grader stopped unexpectedly:" "评分程序意外退出：")
  echo "== $lesson"
  echo "   $why"
  [ -f "$results/$lesson.out" ] && sed 's/^/   /' "$results/$lesson.out" | tail -n 20
  n=0 max=0 first=1
  : >"$results/$lesson.json"
  while read -r name points; do
    n=$((n + 1)); max=$((max + points))
    [ $first = 1 ] || printf ',\n' >>"$results/$lesson.json"
    first=0
    printf '{"name": "%s: %s", "number": "%d.%d", "score": 0, "max_score": %d, "status": "failed", "output": "%s"}' \
      "$lesson" "$name" "$(( 10#$(printf '%s' "${lesson%%-*}" | tr -cd 0-9)0 / 10 ))" "$n" "$points" "$why" >>"$results/$lesson.json"
  done < <(declared_tests "$lesson")
  echo >>"$results/$lesson.json"
  echo "$lesson 0 $n 0 $max" >"$results/$lesson.summary"
done
end=$(date +%s.%N)

echo
say "lesson                  tests      points" "课程                    测试       得分"
say "----------------------  ---------  ---------" "----------------------  ---------  ---------"
all_passed=1
total_score=0 total_max=0 total_tests=0 total_passed=0
for lesson in "${lessons[@]}"; do
  read -r _ passed run score max <"$results/$lesson.summary"
  printf '%-22s  %4d/%-4d  %4d/%-4d\n' "$lesson" "$passed" "$run" "$score" "$max"
  [ "$passed" = "$run" ] || all_passed=0
  total_score=$((total_score + score)); total_max=$((total_max + max))
  total_tests=$((total_tests + run)); total_passed=$((total_passed + passed))
done
printf '%-22s  %4d/%-4d  %4d/%-4d\n' "$(say total 总计)" "$total_passed" "$total_tests" "$total_score" "$total_max"
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
say "($impl, ${elapsed} s)" "（$impl，${elapsed} 秒）"

if [ $json = 1 ]; then
  {
    printf '{"score": %d, "max_score": %d, "execution_time": %.0f, "tests": [\n' \
      "$total_score" "$total_max" "$elapsed"
    first=1
    for lesson in "${lessons[@]}"; do
      [ -s "$results/$lesson.json" ] || continue
      [ $first = 1 ] || printf ',\n'
      first=0
      sed '/^$/d' "$results/$lesson.json"
    done
    printf ']}\n'
  } >"$out/results.json"
  say "wrote $out/results.json" "已写入 $out/results.json"
fi
[ $all_passed = 1 ]
