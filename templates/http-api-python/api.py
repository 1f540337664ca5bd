import json
import os

ITEMS = {"1": {"id": "1", "name": "first"}, "2": {"id": "2", "name": "second"}}


def response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def list_items(event, context):
    return response(200, {"items": list(ITEMS.values()), "stage": os.environ.get("STAGE")})


def get_item(event, context):
    item_id = (event.get("pathParameters") or {}).get("id")
    print("get item", item_id)
    item = ITEMS.get(item_id)
    if item is None:
        return response(404, {"message": "no item %s" % item_id})
    return response(200, item)


def create_item(event, context):
    body = json.loads(event.get("body") or "{}")
    print("create item", body)
    return response(201, {"id": str(len(ITEMS) + 1), **body})
