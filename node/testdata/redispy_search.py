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
