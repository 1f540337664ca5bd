def handler(event, context):
    return "orders"
