def processor(e, c):
    return 1

def api(e, c):
    return 2
