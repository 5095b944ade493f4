"""The yardstick of bench/bench_http.py: a bare Flask JSON endpoint, served by the same
gunicorn (same workers, same settings) in the same run: `gunicorn bench.hello_app:app`."""
from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return {"hello": "world"}
