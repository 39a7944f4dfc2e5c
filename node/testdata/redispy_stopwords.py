import sys, redis
from redis.commands.search.field import TextField
from redis.commands.search.indexDefinition import IndexDefinition
from redis.commands.search.query import Query

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
r.ft("sw").create_index([TextField("t")], definition=IndexDefinition(prefix=["s:"]))
r.ft("sw0").create_index([TextField("t")], definition=IndexDefinition(prefix=["s:"]), stopwords=[])
r.hset("s:1", "t", "the lord of the rings")
r.hset("s:2", "t", "lord rings")
r.hset("s:3", "t", "she")


def ids(index, q):
    res = r.ft(index).search(q)
    return res.total, sorted(d.id for d in res.docs)


print(ids("sw", Query("the lord")), ids("sw", Query("the lord").no_stopwords()),
      ids("sw0", Query("the lord").no_stopwords()))
print(repr(r.ft("sw").explain("the")), r.ft("sw").explain("of the lord") == r.ft("sw").explain("lord"),
      "the" in r.ft("sw").explain(Query("the lord").no_stopwords()))
print(r.ft("sw").spellcheck("the lordd"), r.ft("sw0").spellcheck("the"))
print(r.ft("sw").info()["stopwords_list"] if "stopwords_list" in r.ft("sw").info() else "default",
      r.ft("sw0").info()["stopwords_list"])
