#!/usr/bin/env bash
# build.sh — builds the two doxygen sites (build/docs/en, build/docs/zh); any doxygen warning fails it.
# usage: docs/build.sh [OUT_ROOT]
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-build/docs}
status=0

# Markdown written for GitHub becomes doxygen pages: each lesson text gets the
# label lessonNN, links between lesson texts and the front page become \ref,
# and the line that links to the other language points at the other site.
stage_markdown() { # stage_markdown SRC DEST LABEL LANG
  local src=$1 dest=$2 label=$3 lang=$4 other
  other=$([ "$lang" = en ] && echo zh || echo en)
  sed -E \
    -e "1s/\$/$([ "$label" = index ] || echo " {#$label}")/" \
    -e "s#\[([^]]*)\]\((\.\./\.\./)?README\.$lang\.md\)#[\1](@ref index)#g" \
    -e "s#\[([^]]*)\]\(\.\./\.\./README\.$other\.md\)#<a href=\"../$other/index.html\">\1</a>#g" \
    -e "s#\[([^]]*)\]\(README\.$other\.md\)#<a href=\"../$other/$label.html\">\1</a>#g" \
    -e "s#\[([^]]*)\]\(lessons/([0-9][0-9])-[a-z-]*/README\.$lang\.md\)#[\1](@ref lesson\2)#g" \
    -e "s#\[([^]]*)\]\(tests/README\.md\)#\1 (tests/README.md)#g" \
    "$src" >"$dest"
}

for lang in en zh; do
  stage="$root/src/$lang" out="$root/$lang"
  rm -rf "$stage" "$out"
  mkdir -p "$stage" "$out"
  cp docs/"$lang"/*.md "$stage"/
  stage_markdown "README.$lang.md" "$stage/index.md" index "$lang"
  for dir in lessons/[0-9][0-9]-*/; do
    lesson=$(basename "$dir")
    n=${lesson%%-*}
    [ -f "$dir/README.$lang.md" ] || continue
    stage_markdown "$dir/README.$lang.md" "$stage/lesson$n.md" "lesson$n" "$lang"
    # The contract of the lesson: a link to its header, on the lesson page.
    header=$(basename "$(ls "$dir"/*.h)")
    sed -i "2a\\
\\
$([ "$lang" = en ] && echo "Contract:" || echo "契约：") \\\\ref $header\\
" "$stage/lesson$n.md"
  done
  if ! LAB_DOCS_STAGE="$stage" LAB_DOCS_OUT="$out" doxygen "docs/Doxyfile.$lang"; then
    status=1
  fi
  if [ -s "$out/warnings.log" ]; then
    echo "doxygen warnings ($lang):"
    cat "$out/warnings.log"
    status=1
  fi
done
[ $status = 0 ] && echo "docs: $root/en/index.html and $root/zh/index.html"
exit $status
