def handler(event, context):
    return "patterns"
