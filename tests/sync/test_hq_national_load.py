"""The national-load test, small (#15; the full one is benchmarks/hq_load.py): Debian's nginx
with TLS on 127.0.0.1 — running docs/hq-deploy/nginx-fundhq.conf — in front of two HQ nodes
on one PostgreSQL; office devices seal registrations with photos and sync at once over
throttled links; node 1 is SIGKILLed in the middle and restarted.

Every record is at HQ exactly once (`fundclient hq export` against what the offices sealed),
every batch has an acknowledgement signed by HQ, no upload was created twice or lost bytes HQ
had confirmed, and uploads cut by the kill resumed from the byte HQ held. The HAProxy
configuration of docs/hq-deploy/ is checked and carries a sync too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

import pytest

from fundclient.hq.devices import create_token
from fundclient.hq.keys import HQKeys

import hq_cluster
from conftest import _fresh_database_url

pytestmark = pytest.mark.timeout(900)


def _need(tool: str) -> str:
    found = shutil.which(tool) or (f"/usr/sbin/{tool}" if os.path.exists(f"/usr/sbin/{tool}") else None)
    if not found:
        pytest.fail(f"{tool} is not installed: `python3 scripts/dev.py test` installs it (apt-get install {tool})")
    return found


def test_two_nodes_behind_nginx_one_killed_mid_way(tmp_path):
    _need("nginx")
    url = _fresh_database_url("postgres")
    result, sims, _nodes = hq_cluster.run_load(tmp_path, url, nodes=2, devices=6, records_per_device=12,
                                               rate=48_000, kill_after=2.0, on_progress=lambda _m: None)
    assert result.errors == []
    assert result.kills == 1 and result.cuts >= 1  # the kill cut uploads in flight
    assert result.problems == []  # nothing created twice, no confirmed byte forgotten
    assert result.resumed >= 1  # a cut upload continued from the bytes HQ held, not from zero
    assert hq_cluster.unsigned_acks(sims) == []
    exported = hq_cluster.hq_export(tmp_path / "hq", url)
    assert len(exported) == 72 and hq_cluster.export_problems(exported, sims) == []
    # Through nginx, both nodes served (the access log names the upstream of each request).
    upstreams = {addr.strip(",") for line in hq_cluster.Nginx.access_log_of(tmp_path / "nginx") if "upstream=" in line
                 for addr in line.split("upstream=")[1].split(" offset=")[0].split() if addr.startswith("127.")}
    assert len(upstreams) == 2


def test_the_haproxy_configuration_checks_and_carries_a_sync(tmp_path):
    haproxy = _need("haproxy")
    url = _fresh_database_url("postgres")
    from fundclient.hq.db import open_engine
    from fundclient.hq.keys import init_keys
    hq_dir = tmp_path / "hq"
    init_keys(hq_dir)
    engine = open_engine(hq_dir, url)
    cert, key = hq_cluster.self_signed(tmp_path / "tls")
    pem = tmp_path / "tls" / "fundhq.pem"
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    nodes = [hq_cluster.Node(hq_dir, url).start() for _ in range(2)]
    port = hq_cluster.free_port()
    text = hq_cluster.HAPROXY_CFG.read_text()
    for old, new in (("bind :443 ssl crt /etc/haproxy/certs/fundhq.pem", f"bind 127.0.0.1:{port} ssl crt {pem}"),
                     ("server node1 10.0.0.11:8443", f"server node1 127.0.0.1:{nodes[0].port}"),
                     ("server node2 10.0.0.12:8443", f"server node2 127.0.0.1:{nodes[1].port}")):
        assert old in text
        text = text.replace(old, new)
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text)
    check = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    proxy = subprocess.Popen([haproxy, "-db", "-f", str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # two health checks (inter 2s) bring the nodes up
        sim = hq_cluster.SimDevice(tmp_path / "device", "BRK", seed=7, rate=10_000_000)
        base = f"https://127.0.0.1:{port}"
        sim.enrol(base, create_token(engine, "BRK", HQKeys(hq_dir).active_sign), cert)
        sim.seal(5)
        worker = threading.Thread(target=sim.sync, args=(base, time.monotonic() + 120))
        worker.start()
        worker.join(150)
        assert sim.error is None and [r.acked > 0 for r in sim.runs] == [True]
        assert hq_cluster.unsigned_acks([sim]) == []
        # /metrics is not published through the load balancer; each node answers it directly.
        import requests
        assert requests.get(f"{base}/metrics", verify=str(cert), timeout=10).status_code == 403
        assert "fundclient_hq_intake_records_total" in requests.get(f"{nodes[0].url}/metrics", timeout=10).text
    finally:
        proxy.terminate()
        proxy.wait(10)
        for node in nodes:
            node.stop()
        engine.dispose()
