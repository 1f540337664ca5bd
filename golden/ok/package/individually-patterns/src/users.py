def handler(event, context):
    return "users"
