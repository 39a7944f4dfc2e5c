# redis-py 4.3.4's search client over the text corpus of
# search_text_test.go: Query(...).with_scores() with the default scorer,
# with SCORER BM25, VERBATIM and an exact phrase. Prints one line per
# query: the total, then each document's id and score rounded to 6 places.
import sys

import redis
from redis.commands.search.field import TextField
from redis.commands.search.indexDefinition import IndexDefinition
from redis.commands.search.query import Query

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
ft = r.ft("docs")
ft.create_index(
    [TextField("title", weight=2.0), TextField("body")],
    definition=IndexDefinition(prefix=["d:"]),
    stopwords=[],  # the scores are worked out with every word indexed
)
for key, title, body in [
    ("d:1", "running shoes", "shoes for running fast"),
    ("d:2", "red shoes", "red red red shoes"),
    ("d:3", "the runner", "a runner runs"),
    ("d:4", "hats", "warm hats"),
]:
    r.hset(key, mapping={"title": title, "body": body})


def show(q):
    res = ft.search(q)
    print(res.total, " ".join("%s=%.6f" % (d.id, d.score) for d in res.docs))


show(Query("running").with_scores())
show(Query("running").with_scores().scorer("BM25"))
show(Query("running").with_scores().verbatim())
show(Query('"running shoes"').with_scores())
show(Query("shoes").with_scores().paging(1, 1))
