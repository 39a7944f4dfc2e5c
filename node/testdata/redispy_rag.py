# A LangChain/redisvl-style flow through redis-py's search client: an
# index with HNSW, TEXT, TAG and NUMERIC fields, chunks written with a
# pipeline, hybrid KNN queries with filters and PARAMS, FT.AGGREGATE with
# GROUPBY/REDUCE/SORTBY/APPLY, FT.INFO as redis-py parses it, FT._LIST
# and dropindex. Expected results are worked out here from the data.
import math, struct, sys
import redis
from redis.commands.search import reducers
from redis.commands.search.aggregation import AggregateRequest, Desc, Asc
from redis.commands.search.field import NumericField, TagField, TextField, VectorField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search.query import Query

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
rb = redis.Redis(port=int(sys.argv[1]))
ft = r.ft("rag")
ft.create_index(
    [TextField("content"), TagField("source"), NumericField("year", sortable=True),
     VectorField("embedding", "HNSW", {"TYPE": "FLOAT32", "DIM": 4, "DISTANCE_METRIC": "COSINE", "M": 16, "EF_CONSTRUCTION": 200})],
    definition=IndexDefinition(prefix=["chunk:"], index_type=IndexType.HASH))

chunks = [
    ("redis is an in-memory data store", "wiki", 2019, [1, 0, 0, 0]),
    ("redis supports vector search", "blog", 2021, [0.9, 0.1, 0, 0]),
    ("postgres is a relational database", "wiki", 2020, [0, 1, 0, 0]),
    ("vector databases index embeddings", "blog", 2022, [0.7, 0.7, 0, 0]),
    ("caching speeds up web applications", "docs", 2023, [0, 0, 1, 0]),
    ("redis streams carry events", "docs", 2021, [0.5, 0, 0.5, 0]),
]
vec = lambda v: struct.pack("<4f", *v)
p = rb.pipeline(transaction=False)
for i, (c, s, y, v) in enumerate(chunks):
    p.hset(f"chunk:{i}", mapping={"content": c, "source": s, "year": y, "embedding": vec(v)})
p.execute()

def cosine(a, b):
    a = [struct.unpack("<f", struct.pack("<f", x))[0] for x in a]
    b = [struct.unpack("<f", struct.pack("<f", x))[0] for x in b]
    return 1 - sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))

def check(what, got, want):
    if got != want:
        print(f"{what}: got {got!r}, want {want!r}")
        sys.exit(1)

# Hybrid KNN: tag and numeric pre-filter, distances sorted ascending.
qv = [1, 0.2, 0, 0]
q = (Query("(@source:{wiki | blog} @year:[2020 +inf])=>[KNN 3 @embedding $vec AS vector_distance]")
     .sort_by("vector_distance").return_fields("content", "source", "year", "vector_distance")
     .paging(0, 3).dialect(2))
res = ft.search(q, query_params={"vec": vec(qv)})
want = sorted((cosine(v, qv), f"chunk:{i}") for i, (c, s, y, v) in enumerate(chunks) if s in ("wiki", "blog") and y >= 2020)[:3]
check("hybrid total", res.total, 3)
check("hybrid ids", [d.id for d in res.docs], [w[1] for w in want])
for d, (dist, _) in zip(res.docs, want):
    if abs(float(d.vector_distance) - dist) > 1e-5:
        check("distance of " + d.id, d.vector_distance, dist)
    check("fields of " + d.id, (d.content, d.source, d.year), tuple(str(x) for x in chunks[int(d.id[6:])][:3]))

# Text filter with numeric PARAMS, sorted by a sortable field.
q = Query("@content:redis @year:[$lo $hi]").sort_by("year", asc=False).return_field("year").dialect(2)
res = ft.search(q, query_params={"lo": 2020, "hi": 2022})
got = [(d.id, d.year) for d in res.docs]
check("text+params order", [y for _, y in got], sorted((y for _, y in got), key=int, reverse=True))
check("text+params", sorted(got), [(f"chunk:{i}", str(y)) for i, (c, s, y, v) in enumerate(chunks) if "redis" in c and 2020 <= y <= 2022])

# Count only, and ids only.
check("count only", ft.search(Query("*").paging(0, 0)).total, 6)
res = ft.search(Query("@source:{docs}").no_content().sort_by("year"))
check("no_content", [d.id for d in res.docs], ["chunk:5", "chunk:4"])

# KNN over every document with a $K parameter and the score yielded.
res = ft.search(Query("*=>[KNN $K @embedding $vec]").sort_by("__embedding_score").return_fields("__embedding_score").dialect(2),
                query_params={"K": 2, "vec": vec([0, 0, 1, 0])})
check("knn ids", [d.id for d in res.docs], ["chunk:4", "chunk:5"])

# Aggregations.
req = (AggregateRequest("*").group_by("@source", reducers.count().alias("n"), reducers.avg("@year").alias("avg_year"))
       .sort_by(Desc("@n"), Asc("@source")))
rows = ft.aggregate(req).rows
check("groupby", rows, [["source", "blog", "n", "2", "avg_year", "2021.5"], ["source", "docs", "n", "2", "avg_year", "2022"],
                        ["source", "wiki", "n", "2", "avg_year", "2019.5"]])
req = (AggregateRequest("@year:[2020 +inf]").load("@year").apply(decade="floor(@year/10)*10")
       .group_by("@decade", reducers.count_distinct("@source").alias("sources"), reducers.tolist("@year").alias("years"))
       .sort_by(Asc("@decade")).limit(0, 10))
rows = ft.aggregate(req).rows
check("apply/groupby", [(row[0], row[1], row[2], row[3], sorted(row[5])) for row in rows],
      [("decade", "2020", "sources", "3", ["2020", "2021", "2022", "2023"])])  # TOLIST keeps each value once

# FT.INFO as redis-py parses it.
info = ft.info()
check("index_name", info["index_name"], "rag")
check("num_docs", info["num_docs"], "6")  # a double, a bulk string in RESP2, as RediSearch 2.8 writes it
check("definition", info["index_definition"][:4], ["key_type", "HASH", "prefixes", ["chunk:"]])
check("attributes", [a[:6] for a in info["attributes"]],
      [["identifier", "content", "attribute", "content", "type", "TEXT"],
       ["identifier", "source", "attribute", "source", "type", "TAG"],
       ["identifier", "year", "attribute", "year", "type", "NUMERIC"],
       ["identifier", "embedding", "attribute", "embedding", "type", "VECTOR"]])
check("FT._LIST", r.execute_command("FT._LIST"), ["rag"])

ft.dropindex(delete_documents=True)
check("after dropindex", r.keys("chunk:*"), [])
print("ok")
