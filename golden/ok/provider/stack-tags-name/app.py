def handler(event, context):
    return "stack"
