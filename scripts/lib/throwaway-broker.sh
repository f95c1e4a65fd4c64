# Sourced by the measuring scripts (contamination-table.sh, refresh-rounds.sh), from the repository
# root. Builds target/latentwatch.jar and target/lib first when they are missing.
#
# lw ARGS...: runs a latentwatch command from the build.
# start_broker PORT LOG: starts a throw-away KRaft broker on 127.0.0.1:PORT, logging to LOG, waits
#   until it is ready (at most 120 s) and stops it when the script exits.

if [ ! -f target/latentwatch.jar ] || [ ! -d target/lib ]; then
  mvn -B -q package -DskipTests
fi

lw() {
  java -Dlatentwatch.home="$PWD" -cp "target/latentwatch.jar:target/lib/*" io.latentwatch.cli.Main "$@"
}

start_broker() {
  local port="$1" log="$2"
  # java itself in the background, not lw: $! must be the broker's own process for the trap to stop it
  java -Dlatentwatch.home="$PWD" -cp "target/latentwatch.jar:target/lib/*" io.latentwatch.cli.Main broker \
    --port "$port" > "$log" 2>&1 &
  BROKER=$!
  trap 'kill "$BROKER" 2>/dev/null || true; wait "$BROKER" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    grep -q "broker ready" "$log" && return 0
    kill -0 "$BROKER" 2>/dev/null || { echo "the broker did not start; see $log" >&2; exit 1; }
    sleep 1
  done
  echo "the broker did not start within 120 s; see $log" >&2
  exit 1
}
