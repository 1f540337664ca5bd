"""What scripts/mutation-sweep and scripts/wild-sweep share: a service folder built by Serverless
v3 (../shared/tools/oracle) and by cfgen, and the row that says how the two compare."""
import os
import re
import subprocess

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(root, "..", "shared")
# The oracle's pinned instance id.
PIN = ["--instance-id", "0" * 13]


def first_lines(text, prefix, n):
    return [l for l in text.splitlines() if l.startswith(prefix)][:n]


def build_both(d, results, cfgen_bin, env=None, oracle_lines=1, stage="dev", region="us-east-1"):
    """Serverless v3 and cfgen build the service in folder `d` for `stage` in `region`; the oracle's
    template or failure and cfgen's template or errors go to folder `results`. `env`, when given,
    is cfgen's whole environment (the oracle has its own, from the folder's oracle.json).
    Returns (row, details):
      ok       both templates equal under cfn-compare
      DIFF     both built, templates differ (cfn-compare's first lines)
      CFGEN    Serverless built it, cfgen failed (cfgen's errors)
      ORACLE   cfgen built it, Serverless failed (its last `oracle_lines` lines)
      both     both failed (cfgen's first error; with `oracle_lines` > 1, Serverless' last line too)
    """
    ref, fail = os.path.join(results, "oracle.json"), os.path.join(results, "oracle.fail")
    r = subprocess.run([os.path.join(shared, "tools", "oracle"), d, ref], capture_output=True, text=True,
                       env=dict(os.environ, CFGEN_STAGE=stage, CFGEN_REGION=region))
    if r.returncode != 0:
        open(fail, "w").write(r.stderr)
    oracle_ok = r.returncode == 0
    try:
        c = subprocess.run([cfgen_bin, "build", "serverless.yml", "--stage", stage, "--region", region] + PIN,
                           cwd=d, capture_output=True, timeout=20, env=env)
        rc, err = c.returncode, c.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        rc, err = 124, "error: timed out after 20 s"
    out = os.path.join(results, "cfgen.json")
    if rc == 0:
        text = c.stdout.decode()
        open(out, "w").write(re.sub(r"cfgen-[0-9a-f]{16}", "0000000000000-1970-01-01T00:00:00.000Z", text))
    else:
        open(os.path.join(results, "cfgen.err"), "w").write(err)
    if rc == 0 and oracle_ok:
        cmp = subprocess.run([os.path.join(shared, "tools", "cfn-compare"), ref, out], capture_output=True, text=True)
        if cmp.returncode == 0:
            return "ok", []
        return "DIFF", cmp.stdout.strip().splitlines()[:8]
    if oracle_ok:
        return "CFGEN", first_lines(err, "error", 4) or [f"exit {rc}"]
    lines = [l for l in open(fail).read().splitlines() if l.strip()]
    if rc == 0:
        return "ORACLE", lines[-oracle_lines:]
    return "both", first_lines(err, "error", 1) + (lines[-1:] if oracle_lines > 1 else [])
