import sys, redis
from redis.commands.search.field import TextField
from redis.commands.search.query import Query

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
ft = r.ft("q")
ft.create_index([TextField("a"), TextField("b")])
for i in range(10):
    r.hset("d:%d" % i, mapping={"a": "w%d" % i, "b": "cat dog"})


def total(q):
    return ft.search(Query(q).no_content()).total


# DIALECT 1: a phrase starting with a stop word is a syntax error.
try:
    ft.search(Query('"the cat"'))
    print("no error")
except redis.ResponseError as e:
    print(e)
print(total('"cat dog the"'), ft.search(Query('"the cat"').dialect(2).no_content()).total)
# Nested field scopes intersect.
print(total("@a|b:(@b:cat)"), total("@a:(@b:cat)"))
# MINPREFIX and MAXEXPANSIONS through config_get/config_set.
print(ft.config_get("MINPREFIX"), ft.config_get("MAXEXPANSIONS"), total("w*"))
ft.config_set("MINPREFIX", 1)
ft.config_set("MAXEXPANSIONS", 4)
print(ft.config_get("MAXPREFIXEXPANSIONS"), total("w*"), total("%w1%"))
try:
    ft.config_set("MINPREFIX", 0)
except redis.ResponseError as e:
    print(e)
