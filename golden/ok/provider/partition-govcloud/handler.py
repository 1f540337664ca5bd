def connect(event, context):
    return {"statusCode": 200}


def stream(event, context):
    return None
