def handler(e, c):
    return 1

def other(e, c):
    return 2
