SECRET = "dev-only"
