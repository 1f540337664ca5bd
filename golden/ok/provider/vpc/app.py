def handler(event, context):
    return "bucket"
