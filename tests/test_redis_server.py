"""The throwaway Redis server the multi-process tests share their counts through."""
import redis

from tests.redis_server import RedisServer


def test_redis_server_starts_answers_and_stops():
    server = RedisServer().start()
    try:
        client = redis.Redis.from_url(server.url)
        assert client.ping() is True
        client.incr("k")
        assert client.get("k") == b"1"
    finally:
        server.stop()
    assert server.process.poll() is not None
