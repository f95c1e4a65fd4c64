#!/usr/bin/env bash
# Container health check for 'latentwatch detect' without curl (the JRE image has none):
# GET a path of the detector's HTTP endpoint over bash's /dev/tcp; healthy on HTTP 200.
#   latentwatch-healthcheck [PATH]      PATH defaults to /health/live
# The port is LATENTWATCH_HTTP_PORT when set (the env form of --http-port), else 8080.
set -euo pipefail
path="${1:-/health/live}"
port="${LATENTWATCH_HTTP_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
IFS=' ' read -r -t 4 _ status _ <&3
[ "$status" = "200" ]
