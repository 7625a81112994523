#!/bin/bash
set -e
cd /tmp/gx/bench
swiftc -swift-version 6 -O -target-cpu native -module-name Bench -o bench /work/main/Sources/TwinTensor/*.swift main.swift 2>&1 | grep -E "error|warning" || true
