#!/usr/bin/env bash
# Regenerates the committed man pages (docs/man/*.1) from the command line's own help, with
# swift-argument-parser's generate-manual plugin. Run after changing any command's options.
#   bash Scripts/make_man.sh && man -l docs/man/touchstone.analyze.1
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/man
swift package --allow-writing-to-package-directory generate-manual --multi-page \
    --date "$(date -u +%Y-%m-%d)" --output-directory docs/man
