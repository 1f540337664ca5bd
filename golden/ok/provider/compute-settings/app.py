def inherit(event, context):
    return {"ok": True}
