# redis-py's pub/sub against a node: channel and pattern subscriptions,
# a message published by another client, and a keyspace notification.
import sys
import time

import redis

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
p = r.pubsub()
p.subscribe("news")
p.psubscribe("__keyevent@0__:*")


def next_message(deadline=10):
    end = time.time() + deadline
    while time.time() < end:
        m = p.get_message(ignore_subscribe_messages=True, timeout=1)
        if m is not None:
            return m
    raise SystemExit("no message within %ds" % deadline)


# Redis does not promise that a SUBSCRIBE still on its way is in effect for
# another client's PUBLISH (redis-server misses most such races too): wait
# for both confirmations first, as a careful client does.
for _ in range(2):
    end = time.time() + 10
    while p.get_message(timeout=1) is None:
        if time.time() > end:
            raise SystemExit("no subscribe confirmation within 10s")

print(r.publish("news", "hello"))
m = next_message()
print(m["type"], m["channel"], m["data"])
r.config_set("notify-keyspace-events", "E$")
r.set("k", "v")
m = next_message()
print(m["type"], m["pattern"], m["channel"], m["data"])
print(r.pubsub_numsub("news"), r.pubsub_numpat())
p.close()
