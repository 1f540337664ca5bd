def check(event, context):
    return event


def total(event, context):
    return event


def notify(event, context):
    return event
