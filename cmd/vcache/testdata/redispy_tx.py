# redis-py's default pipeline (transaction=True) over keys on every node,
# and a WATCH across nodes, through the proxy. Prints one line per check.
import sys
import redis

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
keys = ["tx:%d" % i for i in range(12)]
p = r.pipeline()  # transaction=True
for i, k in enumerate(keys):
    p.set(k, i)
p.incr(keys[0])
p.mget(keys[1])
print(p.execute())
print(r.mget(keys))

def transfer(pipe):
    a = int(pipe.get(keys[2]))
    pipe.multi()
    pipe.set(keys[2], a - 1)
    pipe.incr(keys[9])

print(r.transaction(transfer, keys[2], keys[9]))
print(r.get(keys[2]), r.get(keys[9]))

w = r.pipeline()
w.watch(keys[3], keys[10])
r.set(keys[10], "changed")
w.multi()
w.set(keys[3], "never")
try:
    w.execute()
    print("ran")
except redis.WatchError:
    print("WatchError")
print(r.get(keys[3]))
