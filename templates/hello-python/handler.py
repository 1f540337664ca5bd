import json
import os


def hello(event, context):
    print("event:", json.dumps(event))
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    return {
        "message": "%s, %s!" % (os.environ.get("GREETING", "Hello"), name),
        "function": context.function_name,
    }
