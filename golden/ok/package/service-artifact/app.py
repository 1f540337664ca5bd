def first(event, context):
    return 1

def second(event, context):
    return 2
