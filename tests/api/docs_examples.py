#!/usr/bin/env python3
"""Runs every ```sh example of docs/api.md against a fresh demo server, in order, in one bash.

The server: a new demo database (`planwatch init --demo`, through harness.demo_database, on the
engine PW_TEST_ENGINE names) with the demo user `admin` (password `planwatch-demo`, admin of VN),
served on a free port (`planwatch serve --port 0`). In the examples,
http://localhost:8057 becomes the server's real address and /tmp/pw.* files move to a private
temporary directory.

Conventions of the examples (docs/api.md says so to its readers too):
- Every `curl` must succeed as `curl --fail-with-body` would: no transport error, HTTP status
  below 400.
- A line `# expect: NNN` means the next `curl` run must answer exactly HTTP NNN (and it is then
  not run with --fail-with-body). The expectation is taken by the next curl that runs, so values
  such as ETags are computed before that line, not inside the expected command.
- The blocks run with `set -euo pipefail`: any failing command fails its block.

The test fails, printing the block and its output, on the first failing block; it also fails if
the server answered any 5xx along the way (read from /metrics), or if it does not stop cleanly on
SIGTERM.

PLANWATCH_BIN names the planwatch binary (or give it as the first argument).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

import harness

DOC_URL = "http://localhost:8057"
DOC_TMP_PREFIX = "/tmp/pw."
DEMO_PASSWORD = "planwatch-demo"
MIN_BLOCKS = 20  # the guide has far more; fewer means the blocks were not found

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "api.md")

# Prepended to the examples: the checking curl, and the block bookkeeping.
PRELUDE = r"""
set -euo pipefail
curl() {
  local expect="" hdr status rc=0 arg
  if [[ -e $PW_STATE/expect ]]; then
    expect=$(<"$PW_STATE/expect")
    rm -f "$PW_STATE/expect"
  fi
  for arg in "$@"; do
    case $arg in
      -D|--dump-header|-f|--fail|--fail-with-body)
        echo "pw-docs: examples may not use curl $arg (the test adds its own)" >&2
        return 2 ;;
    esac
  done
  hdr=$(mktemp "$PW_STATE/headers.XXXXXX")
  if [[ -z $expect ]]; then
    command curl --fail-with-body -D "$hdr" "$@" || rc=$?
  else
    command curl -D "$hdr" "$@" || rc=$?
  fi
  status=$(tr -d '\r' < "$hdr" | awk '/^HTTP\//{s=$2} END{print s}')
  rm -f "$hdr"
  if [[ -n $expect ]]; then
    if [[ $rc -ne 0 || $status != "$expect" ]]; then
      echo "pw-docs: expected HTTP $expect, got HTTP ${status:-none} (curl exit $rc): curl $*" >&2
      return 1
    fi
  elif [[ $rc -ne 0 ]]; then
    echo "pw-docs: HTTP ${status:-none} (curl exit $rc): curl $*" >&2
    return 1
  fi
  printf '%s\n' "$status" >> "$PW_STATE/statuses"
}
pw_expect() {
  if [[ -e $PW_STATE/expect ]]; then
    echo "pw-docs: '# expect: $(<"$PW_STATE/expect")' was not followed by a curl" >&2
    return 1
  fi
  printf '%s' "$1" > "$PW_STATE/expect"
}
pw_block_end() {
  if [[ -e $PW_STATE/expect ]]; then
    echo "pw-docs: '# expect: $(<"$PW_STATE/expect")' was not followed by a curl" >&2
    return 1
  fi
  printf '%s' "$1" > "$PW_STATE/done"
}
"""

EXPECT_LINE = re.compile(r"^\s*#\s*expect:\s*(\d{3})\s*$")
MARKER = "@@pw-docs block {}@@"


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def sh_blocks(text):
    """The ```sh blocks of the markdown text, in order: (first line number, body)."""
    blocks = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            start = i + 1
            j = start
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            if j == len(lines):
                fail(f"docs/api.md:{i + 1}: unterminated ```sh block")
            blocks.append((start + 1, "\n".join(lines[start:j])))
            i = j
        i += 1
    return blocks


def to_script(body, base_url, tmp):
    out = []
    for line in body.split("\n"):
        m = EXPECT_LINE.match(line)
        if m:
            out.append(f"pw_expect {m.group(1)}")
        else:
            out.append(line.replace(DOC_URL, base_url).replace(DOC_TMP_PREFIX, tmp + "/pw."))
    return "\n".join(out)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def start_server(binary, db, tmp):
    log = open(os.path.join(tmp, "server.stderr"), "w")
    # In the temporary folder: a server on PostgreSQL keeps its instance key in its working
    # directory.
    server = subprocess.Popen([binary, "serve", "--db", db, "--port", "0"], cwd=tmp,
                              stdout=subprocess.PIPE, stderr=log, text=True)
    first = []

    def read_first_line():
        first.append(server.stdout.readline())

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(30)
    line = first[0] if first else ""
    m = re.match(r"planwatch serving (.+) on (http://\S+)$", line.strip())
    if not m:
        server.kill()
        fail(f"the server did not announce its address; first line: {line!r}")
    if m.group(1) != db:
        server.kill()
        fail(f"the server names database {m.group(1)!r}, expected {db!r}")
    return server, m.group(2)


def stop_server(server):
    server.send_signal(signal.SIGTERM)
    try:
        rest, _ = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        fail("the server did not stop within 30 s of SIGTERM")
    if server.returncode != 0:
        fail(f"the server exited with {server.returncode} after SIGTERM (expected 0)")
    if "planwatch stopped" not in rest:
        fail(f"the server did not say it stopped; its remaining output: {rest!r}")


def main():
    binary = os.environ.get("PLANWATCH_BIN") or (sys.argv[1] if len(sys.argv) > 1 else "")
    if not binary or not os.access(binary, os.X_OK):
        fail(f"set PLANWATCH_BIN to the planwatch binary (got {binary!r})")
    for tool in ("bash", "curl", "python3"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not installed; the examples need it")
    with open(DOC, encoding="utf-8") as f:
        blocks = sh_blocks(f.read())
    if len(blocks) < MIN_BLOCKS:
        fail(f"docs/api.md has {len(blocks)} ```sh blocks; expected at least {MIN_BLOCKS}")

    tmp = tempfile.mkdtemp(prefix="pw-docs-")
    try:
        os.environ["PLANWATCH_BIN"] = binary
        try:
            db = harness.demo_database(tmp, {"admin": ("admin", "VN")}, DEMO_PASSWORD)
        except RuntimeError as e:
            fail(f"the demo database: {e}")

        server, base_url = start_server(binary, db, tmp)
        try:
            state = os.path.join(tmp, "state")
            os.mkdir(state)
            parts = [PRELUDE]
            for n, (_, body) in enumerate(blocks):
                parts.append(f"printf '\\n%s\\n' '{MARKER.format(n)}'")
                parts.append(to_script(body, base_url, tmp))
                parts.append(f"pw_block_end {n}")
            script = "\n".join(parts) + "\n"
            env = dict(os.environ, PW_STATE=state, LC_ALL="C.UTF-8")
            env.pop("CDPATH", None)
            proc = subprocess.run(["bash", "-c", script], cwd=tmp, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            output = proc.stdout
            done_path = os.path.join(state, "done")
            done = int(open(done_path).read()) if os.path.exists(done_path) else -1
            if proc.returncode != 0 or done != len(blocks) - 1:
                failed = done + 1
                line, body = blocks[failed] if failed < len(blocks) else blocks[-1]
                section = output.split(MARKER.format(failed))[-1]
                print(f"FAIL: docs/api.md block {failed + 1} of {len(blocks)} (line {line}) "
                      f"exited with {proc.returncode}", file=sys.stderr)
                print("---- block ----\n" + body, file=sys.stderr)
                print("---- its output ----\n" + section.strip(), file=sys.stderr)
                sys.exit(1)
            statuses = open(os.path.join(state, "statuses")).read().split()

            # No example may have met a server fault, even one that expected an error.
            metrics = run(["curl", "-s", "--fail", base_url + "/metrics"])
            if metrics.returncode != 0:
                fail(f"GET /metrics failed: {metrics.stderr}")
            faults = [l for l in metrics.stdout.splitlines()
                      if l.startswith("planwatch_http_requests_total") and 'status="5' in l]
            if faults:
                fail("the server answered 5xx during the examples:\n" + "\n".join(faults))
        finally:
            if server.poll() is None:
                stop_server(server)
            else:
                fail(f"the server died during the examples (exit {server.returncode}); stderr:\n"
                     + open(os.path.join(tmp, "server.stderr")).read())
        print(f"ok: {len(blocks)} blocks of docs/api.md, {len(statuses)} curl calls "
              f"({sum(1 for s in statuses if s >= '400')} deliberate errors) against {base_url}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
