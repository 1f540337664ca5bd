def handler(event, context):
    return "legacy"
