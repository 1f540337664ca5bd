def validate(event, context):
    items = event.get("items", [])
    print("validating order", event.get("orderId"), "with", len(items), "items")
    if not items:
        raise ValueError("an order needs at least one item")
    return {**event, "total": sum(i.get("price", 0) * i.get("quantity", 1) for i in items)}


def fulfil(event, context):
    print("fulfilling order", event.get("orderId"))
    return {"orderId": event.get("orderId"), "status": "fulfilled", "total": event.get("total")}
