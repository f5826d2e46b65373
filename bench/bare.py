"""The framework's own limit: a bare Flask app that answers "hello"."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Answer hello."""
    return "hello"
