def handler(event, context):
    return {"tagged": True}
