"""bench/side_by_side.py: reading wrk's output, the ratio, and a real run against two servers."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
from typing import TYPE_CHECKING

import pytest

from bench import side_by_side

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WRK_OUTPUT = """Running 20s test @ http://127.0.0.1:8000/reuniones/x/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    74.31ms   20.10ms 310.20ms   80.00%
    Req/Sec    54.10     10.20    80.00     70.00%
  Latency Distribution
     50%   70.00ms
  2160 requests in 20.02s, 18.53MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    107.89
Transfer/sec:      0.93MB
"""


def test_parse_wrk_reads_rate_latency_count_and_errors() -> None:
    assert side_by_side.parse_wrk(WRK_OUTPUT) == (107.89, 74.31, 2160, 3, 4)


def test_parse_wrk_converts_latency_units() -> None:
    clean = WRK_OUTPUT.replace("74.31ms", "1.50s").replace("Socket errors", "x").replace("Non", "x")
    assert side_by_side.parse_wrk(clean) == (107.89, 1500.0, 2160, 0, 0)


def test_parse_wrk_without_a_rate_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="Requests/sec"):
        side_by_side.parse_wrk("unable to connect to 127.0.0.1:1")


def run(name: str, rps: float, errors: int = 0) -> side_by_side.Run:
    return side_by_side.Run(name, f"http://{name}/", rps, 10.0, 100, errors, 0, 0.5)


def test_summary_gives_medians_and_ratios() -> None:
    comparison = side_by_side.Comparison("postgres", "http://minka/", "http://other/")
    comparison.runs = [
        run("minka", 100),
        run("other", 10),
        run("other", 20),
        run("minka", 120),
        run("minka", 110),
        run("other", 10),
    ]
    summary = comparison.summary()
    assert summary["minka_median_rps"] == 110
    assert summary["other_median_rps"] == 10
    assert summary["ratio_of_medians"] == 11.0
    assert summary["ratio_per_round"] == [10.0, 6.0, 11.0]
    assert summary["clean"] is True
    comparison.runs.append(run("other", 10, errors=1))
    assert comparison.summary()["clean"] is False


def test_unit_workers_reads_the_deploy_unit(tmp_path: Path) -> None:
    unit = tmp_path / "minka-web@.service"
    unit.write_text("ExecStart=/opt/minka/.venv/bin/gunicorn minka.wsgi --workers 5 --preload\n")
    assert side_by_side.unit_workers(unit, instances=1) == 5
    unit.write_text("ExecStart=/opt/minka/.venv/bin/gunicorn minka.wsgi -w 2\n")
    assert side_by_side.unit_workers(unit) == 4  # two instances, as the guide runs them
    # The real unit: the guide's two instances of two workers each.
    assert side_by_side.unit_workers(side_by_side.ROOT / "deploy" / "minka-web@.service") == 4
    assert side_by_side.unit_workers(tmp_path / "missing") == side_by_side.DEFAULT_WORKERS


def test_example_env_keeps_what_is_not_site_specific(tmp_path: Path) -> None:
    example = tmp_path / "minka.env.example"
    example.write_text(
        "# comment\nMINKA_DEBUG=false\nMINKA_ALLOWED_HOSTS=minka.example.org\n"
        "DATABASE_URL=postgres://minka@127.0.0.1/minka\nMINKA_DB_CONN_MAX_AGE=60\n"
        "# MINKA_TELEGRAM_API_URL=https://api.telegram.org/bot\n"
        'MINKA_NETWORK_NAME="Red TIC"\n'
    )
    assert side_by_side.example_env(example) == {
        "MINKA_DEBUG": "false",
        "MINKA_DB_CONN_MAX_AGE": "60",
        "MINKA_NETWORK_NAME": "Red TIC",
    }


def test_the_documented_example_env_parses() -> None:
    values = side_by_side.example_env(side_by_side.ROOT / "deploy" / "minka.env.example")
    assert values["MINKA_DEBUG"] == "false"
    assert "DATABASE_URL" not in values


class Page(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        body = b"<html>ok</html>"
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Missing(Page):
    status = 404


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    started = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page) for _ in range(2)]
    for server in started:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tuple(f"http://127.0.0.1:{server.server_address[1]}/" for server in started)  # type: ignore[misc]
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_a_real_run_against_two_servers(
    servers: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    minka, other = servers
    argv = ["--minka-url", minka, "--other-url", other, "--rounds", "2", "--seconds", "1"]
    assert side_by_side.main(argv) == 0
    printed = capsys.readouterr().out
    summary = json.loads(printed.strip().splitlines()[-1])
    comparison = summary["comparisons"][0]
    assert len(comparison["minka_rps"]) == len(comparison["other_rps"]) == 2
    assert comparison["ratio_of_medians"] > 0
    assert comparison["clean"] is True
    assert summary["machine"]["cpus"]


def test_a_page_that_does_not_answer_200_stops_the_run() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Missing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SystemExit, match="answered 404"):
            side_by_side.check_page(f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()


def test_cpu_seconds_between_counts_live_processes_and_ended_children() -> None:
    ticks = os.sysconf("SC_CLK_TCK")
    before = {1: (100, False), 2: (50, True), 3: (40, True), 9: (10, False)}
    # Child 3 ended (its 40 + 20 more ticks went to root 1's reaped count); backend 9 ended
    # and its ticks are lost, neither counted nor taken off.
    after = {1: (100 + 60 + 5, False), 2: (80, True), 4: (7, True)}
    used = 5 + 20 + 30 + 7  # root itself, child 3 in the window, child 2, new child 4
    assert side_by_side.cpu_seconds_between(before, after) == pytest.approx(used / ticks)


def test_cpu_snapshot_reads_this_process_and_its_children() -> None:
    child = subprocess.Popen(["sleep", "5"])  # noqa: S607 -- a test helper.
    try:
        snapshot = side_by_side.cpu_snapshot(side_by_side.Server([os.getpid()]))
    finally:
        child.kill()
        child.wait()
    assert snapshot[os.getpid()][1] is False
    assert snapshot[child.pid] == (0, True) or snapshot[child.pid][1] is True


def test_pss_of_this_process() -> None:
    assert (side_by_side.pss_mb([os.getpid()]) or 0) > 1
    assert side_by_side.pss_mb([]) is None
