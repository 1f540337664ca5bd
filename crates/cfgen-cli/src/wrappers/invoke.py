# cfgen invoke local: runs one Python Lambda handler the way the Lambda runtime calls it.
# Usage: python3 invoke.py CONFIG.json  (written by cfgen; see crates/cfgen-cli/src/invoke.rs)
# The result goes to the file CONFIG names, never to stdout, which belongs to the handler.
import decimal
import importlib
import json
import os
import sys
import threading
import time
import traceback
import uuid

with open(sys.argv[1], encoding="utf-8") as f:
    cfg = json.load(f)
with open(cfg["event_path"], encoding="utf-8") as f:
    event = json.load(f)

lock = threading.Lock()
finished = False


def finish(outcome, code):
    global finished
    with lock:
        if finished:
            return
        finished = True
        with open(cfg["result_path"], "w", encoding="utf-8") as f:
            json.dump(outcome, f)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def error_of(e, error_type=None):
    # The handler's frames only: not this wrapper's, nor the import machinery's.
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if f.filename != __file__ and not f.filename.startswith("<frozen")
              and "importlib" not in f.filename]
    return {
        "error": {
            "errorType": error_type or type(e).__name__,
            "errorMessage": str(e),
            "stackTrace": [line.rstrip("\n") for line in traceback.format_list(frames)],
        }
    }


def decimal_serializer(o):
    if isinstance(o, decimal.Decimal):
        f = float(o)
        return int(f) if f.is_integer() else f
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


class LambdaContext(object):
    def __init__(self):
        self.function_name = cfg["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = cfg["function_arn"]
        self.memory_limit_in_mb = str(cfg["memory_mb"])
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = cfg["log_group_name"]
        self.log_stream_name = time.strftime("%Y/%m/%d", time.gmtime()) + "/[$LATEST]" + uuid.uuid4().hex
        self.identity = None
        self.client_context = None
        self._deadline = time.time() + cfg["timeout_ms"] / 1000.0

    def get_remaining_time_in_millis(self):
        return int(max((self._deadline - time.time()) * 1000, 0))


sys.path.insert(0, cfg["task_root"])
sys.path.extend(cfg.get("extra_paths", []))  # the service's own layers, like /opt/python
try:
    module = importlib.import_module(cfg["module"].replace("/", "."))
except Exception as e:  # noqa: BLE001 - every import failure is the handler's
    finish(error_of(e, "Runtime.ImportModuleError"), 1)
handler = module
for part in cfg["handler"].split("."):
    handler = getattr(handler, part, None)
if not callable(handler):
    finish({"error": {"errorType": "Runtime.HandlerNotFound",
                      "errorMessage": "Handler '%s' missing on module '%s'" % (cfg["handler"], cfg["module"]),
                      "stackTrace": []}}, 1)

context = LambdaContext()
os.environ["AWS_LAMBDA_LOG_STREAM_NAME"] = context.log_stream_name
timer = threading.Timer(cfg["timeout_ms"] / 1000.0, lambda: finish({"timeout": True}, 124))
timer.daemon = True
timer.start()
try:
    result = handler(event, context)
except Exception as e:  # noqa: BLE001 - reported like the Lambda runtime reports it
    finish(error_of(e), 1)
try:
    text = json.dumps(result, default=decimal_serializer)
except Exception as e:  # noqa: BLE001
    finish({"error": {"errorType": "Runtime.MarshalError",
                      "errorMessage": "Unable to marshal response: %s" % e, "stackTrace": []}}, 1)
finish({"result": json.loads(text)}, 0)
