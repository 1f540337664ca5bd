def handler(event, context):
    return "scalar"
