def api(event, context): return {}
