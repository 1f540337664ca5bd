def api(event, context):
    return {"statusCode": 200}


def worker(event, context):
    return None
