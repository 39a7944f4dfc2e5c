import struct, sys, redis
from redis.commands.search.field import GeoField, TagField, TextField, VectorField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search.query import GeoFilter, Query

r = redis.Redis(port=int(sys.argv[1]))
f32 = lambda *v: struct.pack("<%df" % len(v), *v)
r.ft("places").create_index(
    [TextField("name", sortable=True), TagField("kind"), GeoField("loc"),
     VectorField("emb", "FLAT", {"TYPE": "FLOAT32", "DIM": 2, "DISTANCE_METRIC": "L2"})],
    definition=IndexDefinition(prefix=["p:"], index_type=IndexType.HASH, payload_field="note"))
for i, (name, kind, loc, v) in enumerate([
        ("paris", "city", "2.3522,48.8566", (0, 0)), ("versailles", "town", "2.1301,48.8049", (0.3, 0.4)),
        ("orleans", "city", "1.9093,47.9030", (3, 4)), ("london", "city", "-0.1276,51.5072", (0, 0.6))]):
    r.hset(f"p:{i}", mapping={"name": name, "kind": kind, "loc": loc, "emb": f32(*v), "note": "about " + name})
q = Query("@emb:[VECTOR_RANGE $r $vec]=>{$YIELD_DISTANCE_AS: dist}").sort_by("dist").return_fields("name", "dist").dialect(2)
res = r.ft("places").search(q, query_params={"r": 1, "vec": f32(0, 0)})
print(res.total, [(d.id, d.name, d.dist) for d in res.docs])
q = Query("@kind:{city} @loc:[2.35 48.85 200 km]").sort_by("name").return_fields("name")
res = r.ft("places").search(q)
print(res.total, [(d.id, d.name) for d in res.docs])
q = Query("*").add_filter(GeoFilter("loc", 2.35, 48.85, 50, "km")).sort_by("name").with_payloads().return_fields("name")
res = r.ft("places").search(q)
print(res.total, [(d.id, d.name, d.payload) for d in res.docs])
