#!/usr/bin/env python3
"""A stand-in for 'docker compose up' on a machine without a Docker engine.

Runs the latentwatch services of docker-compose.yml as local processes, the way their containers
would run them: the Dockerfile's ENTRYPOINT and runtime ENV, the image's layout (jar, lib/, the
bundled sample under a root-owned /opt/latentwatch, the caches under /var/cache/latentwatch, both
re-rooted below target/smoke-image, like /var/lib/latentwatch where 'keygen' writes the model-signing
keys), user 10001, and each service's command and environment. Kafka
is the embedded broker ('latentwatch broker'); the 'topics' service's script runs with Kafka's
TopicCommand, the class kafka-topics.sh runs. Then it checks that both detectors become ready
with the trainer's model, score images, find anomalies, pass the image's health check, and that a
retraining round of 'trainer' completes.

What it does not check: the image build, the Kafka image's configuration, Prometheus, Grafana,
container networking and limits.

Needs root (to run as uid 10001 with setpriv), Java 17, Maven, kcat and python3-yaml.
    mvn -B -q -DskipTests package && python3 deploy/compose/smoke.py
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE = os.path.join(ROOT, "target", "smoke-image")
HOME = IMAGE + "/opt/latentwatch"
CACHE = IMAGE + "/var/cache/latentwatch"
KEYS = IMAGE + "/var/lib/latentwatch"
LOGS = os.path.join(ROOT, "target", "smoke-logs")
BOOTSTRAP = "localhost:19092"
KAFKA_TOOLS = os.path.join(ROOT, "target", "smoke-tools")
UID = "10001"


def image_path(text):
    return text.replace("/opt/latentwatch", HOME).replace("/var/cache/latentwatch", CACHE) \
        .replace("/var/lib/latentwatch", KEYS)


def lay_out_image():
    shutil.rmtree(IMAGE, ignore_errors=True)
    shutil.rmtree(LOGS, ignore_errors=True)
    os.makedirs(LOGS)
    os.makedirs(HOME + "/data")
    os.makedirs(CACHE + "/djl")
    os.makedirs(CACHE + "/onnxruntime")
    # the model-signing key pair's volumes, as the Dockerfile prepares them (keygen writes them)
    os.makedirs(KEYS + "/signing")
    os.makedirs(KEYS + "/trusted-keys")
    shutil.copytree(ROOT + "/target/lib", HOME + "/lib")
    shutil.copy(ROOT + "/target/latentwatch.jar", HOME)
    shutil.copytree(ROOT + "/data/fashion-mnist-sample", HOME + "/data/fashion-mnist-sample")
    subprocess.run(["chown", "-R", f"{UID}:{UID}", IMAGE + "/var"], check=True)
    os.chmod(KEYS + "/signing", 0o700)
    # uid 10001 must traverse target/ to reach the image, but write nothing outside the caches
    subprocess.run(["chmod", "-R", "go-w,a+rX", IMAGE + "/opt"], check=True)
    for d in (ROOT + "/target", IMAGE):
        os.chmod(d, os.stat(d).st_mode | 0o005)


def dockerfile_runtime():
    """The shared runtime stage's ENTRYPOINT and ENV, re-rooted. Compose builds the last stage ('full'),
    which adds target/lib as lib/ to that stage."""
    text = open(ROOT + "/Dockerfile").read().replace("\\\n", " ")
    runtime = next(stage for stage in text.split("\nFROM ") if re.match(r"\S+ AS runtime\b", stage))
    entrypoint = [image_path(a) for a in json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", runtime, re.M).group(1))]
    env = {}
    for m in re.finditer(r"^ENV (.*)$", runtime, re.M):
        for kv in m.group(1).split():
            k, v = kv.split("=", 1)
            env[k] = image_path(v)
    return entrypoint, env


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError as e:
        return None, str(e)


def metric(port, name):
    """The sum of a metric over its label sets (application_id, ...), 0 when it is not there."""
    total = 0.0
    for line in get(f"http://localhost:{port}/metrics")[1].splitlines():
        if line.startswith((name + " ", name + "{")):
            total += float(line.rsplit(None, 1)[1] if "}" not in line else line.rsplit("}", 1)[1].split()[0])
    return total


def main():
    lay_out_image()
    entrypoint, image_env = dockerfile_runtime()
    compose = yaml.safe_load(open(ROOT + "/docker-compose.yml"))
    procs = {}
    # each detector's container port is published on a host port; here that is its --http-port
    http_ports = {}
    for name, svc in compose["services"].items():
        if svc.get("command", [None])[0] == "detect":
            http_ports[name] = svc["ports"][0].split(":")[0]

    def start(name):
        svc = compose["services"][name]
        env = {"PATH": os.environ["PATH"], "HOME": CACHE, **image_env}
        env.update({k: str(v).replace("kafka:9092", BOOTSTRAP) for k, v in (svc.get("environment") or {}).items()})
        if name in http_ports:
            env["LATENTWATCH_HTTP_PORT"] = http_ports[name]
        argv = ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups"] + entrypoint \
            + [image_path(a) for a in svc["command"]]
        print("start", name + ":", " ".join(svc["command"]), flush=True)
        procs[name] = subprocess.Popen(argv, cwd=HOME, env=env, stdout=open(f"{LOGS}/{name}.log", "w"),
                                       stderr=subprocess.STDOUT)

    subprocess.run(["mvn", "-B", "-q", "dependency:copy", "-Dartifact=org.apache.kafka:kafka-tools:4.4.0",
                    "-DoutputDirectory=" + KAFKA_TOOLS], check=True, cwd=ROOT)
    broker = subprocess.Popen([ROOT + "/latentwatch", "broker", "--port", BOOTSTRAP.split(":")[1]],
                              stdout=open(LOGS + "/broker.log", "w"), stderr=subprocess.STDOUT)
    failures = []
    try:
        for _ in range(60):
            if subprocess.run(["kcat", "-L", "-b", BOOTSTRAP, "-m", "2"], capture_output=True).returncode == 0:
                break
            time.sleep(2)
        script = compose["services"]["topics"]["command"][0].replace("$$", "$").replace("kafka:9092", BOOTSTRAP)
        script = script.replace("/opt/kafka/bin/kafka-topics.sh",
                                f"java -cp {ROOT}/target/lib/*:{KAFKA_TOOLS}/* org.apache.kafka.tools.TopicCommand")
        topics = subprocess.run(["bash", "-ec", script], capture_output=True, text=True)
        print("topics: exit", topics.returncode, flush=True)
        if topics.returncode != 0:
            sys.exit("topics failed:\n" + topics.stderr[-3000:])

        # the order compose gives them: 'keygen' first, the others after 'topics' and 'keygen', then
        # 'trainer' after 'trainer-init'
        start("keygen")
        keygen = procs["keygen"].wait(timeout=120)
        print("keygen: exit", keygen, flush=True)
        if keygen != 0:
            sys.exit("keygen failed:\n" + open(LOGS + "/keygen.log").read()[-3000:])
        for name in list(http_ports) + ["producer", "trainer-init"]:
            start(name)
        t0 = time.time()
        exit_code = procs["trainer-init"].wait(timeout=900)
        print(f"trainer-init: exit {exit_code} after {time.time() - t0:.0f} s", flush=True)
        if exit_code != 0:
            failures.append("trainer-init failed")
        deadline = time.time() + 180
        while time.time() < deadline and any(get(f"http://localhost:{p}/health/ready")[0] != 200
                                             for p in http_ports.values()):
            time.sleep(3)
        time.sleep(15)
        for name, port in http_ports.items():
            status, model = get(f"http://localhost:{port}/model")
            ready = get(f"http://localhost:{port}/health/ready")[0]
            health = subprocess.run(["bash", ROOT + "/deploy/docker/healthcheck.sh"],
                                    env={"PATH": os.environ["PATH"], "LATENTWATCH_HTTP_PORT": port}).returncode
            scored = metric(port, "latentwatch_images_scored_total")
            print(f"{name}: ready {ready}, health check exit {health}, scored {scored:.0f},"
                  f" anomalies {metric(port, 'latentwatch_anomalies_total'):.0f}, model {model[:90]}", flush=True)
            if ready != 200 or health != 0 or scored == 0:
                failures.append(name + " not ready or not scoring")

        start("trainer")
        deadline = time.time() + 600
        while time.time() < deadline and procs["trainer"].poll() is None \
                and "next training round" not in open(LOGS + "/trainer.log").read():
            time.sleep(5)
        round_log = [l for l in open(LOGS + "/trainer.log").read().splitlines()
                     if l.startswith(("published", "not delivered", "training round failed", "next training"))]
        print("trainer:", *round_log, sep="\n  ", flush=True)
        if not any(l.startswith("next training") for l in round_log):
            failures.append("trainer did not finish a round")

        anomalies = subprocess.run(["kcat", "-C", "-b", BOOTSTRAP, "-t", "anomalies", "-c", "1", "-e",
                                    "-X", "isolation.level=read_committed"], capture_output=True, text=True, timeout=60)
        print("an anomaly record:", anomalies.stdout.strip()[:300], flush=True)
        if '"model_name":"fashion"' not in anomalies.stdout:
            failures.append("no anomaly record")
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        for name, p in procs.items():
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                failures.append(name + " did not stop within 60 s of SIGTERM")
        broker.terminate()
        broker.wait(timeout=60)
    print("logs in", LOGS)
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("OK")


if __name__ == "__main__":
    main()
