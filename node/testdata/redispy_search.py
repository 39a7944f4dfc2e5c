import numpy as np, redis
from redis.commands.search.field import TagField, TextField, VectorField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search.query import Query

r = redis.Redis(port=int(__import__("sys").argv[1]))
r.ft("docs").create_index(
    [TextField("title"), TagField("genre"),
     VectorField("emb", "HNSW", {"TYPE": "FLOAT32", "DIM": 4, "DISTANCE_METRIC": "COSINE"})],
    definition=IndexDefinition(prefix=["doc:"], index_type=IndexType.HASH))
for i, (t, g, v) in enumerate([("cats", "pets", [1, 0, 0, 0]), ("dogs", "pets", [0.9, 0.1, 0, 0]), ("cars", "tech", [0, 0, 1, 0])]):
    r.hset(f"doc:{i}", mapping={"title": t, "genre": g, "emb": np.array(v, dtype=np.float32).tobytes()})
q = Query("(@genre:{pets})=>[KNN 2 @emb $vec AS score]").sort_by("score").return_fields("title", "score").dialect(2)
res = r.ft("docs").search(q, query_params={"vec": np.array([1, 0, 0, 0], dtype=np.float32).tobytes()})
print(res.total, [(d.id, d.title, d.score) for d in res.docs])
print(r.ft("docs").info()["num_docs"])
# HIGHLIGHT, SUMMARIZE, INKEYS and INFIELDS through redis-py 4.3.4's Query.
r.ft("notes").create_index([TextField("title"), TextField("body")],
                           definition=IndexDefinition(prefix=["note:"], index_type=IndexType.HASH))
r.hset("note:1", mapping={"title": "Cats and dogs", "body": "The dog runs home, then the dog sleeps."})
r.hset("note:2", mapping={"title": "Dog days", "body": "A hot summer of long dogs days by the sea."})
q = (Query("dog").highlight(fields=["title", "body"], tags=["<em>", "</em>"])
     .summarize(fields=["body"], context_len=4, num_frags=1, sep="|").limit_ids("note:1").limit_fields("body"))
res = r.ft("notes").search(q)
print(res.total, [(d.id, d.title, d.body) for d in res.docs])
res = r.ft("notes").search(Query("dogs").summarize(context_len=3).limit_fields("title"))
print(res.total, sorted((d.id, d.title, d.body) for d in res.docs))
