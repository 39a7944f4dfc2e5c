# redis-py's r.json() client against a vcache node: every call a RAG
# application makes on JSON documents, each reply checked.
import sys
import warnings

import redis
from redis.commands.json.path import Path

warnings.simplefilter("ignore", DeprecationWarning)  # nummultby
r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
j = r.json()
checks = 0


def check(got, want):
    global checks
    if got != want:
        raise SystemExit("got %r, want %r" % (got, want))
    checks += 1


doc = {"title": "Ünïcode", "n": 1, "tags": ["x"], "meta": {"ok": True, "score": 0.5}}
check(j.set("doc:1", Path.root_path(), doc), True)
check(j.get("doc:1"), doc)
check(j.get("doc:1", "$.tags"), [["x"]])
check(j.get("doc:1", Path(".n")), 1)
check(j.get("doc:1", "$.meta.score", "$.n"), {"$.meta.score": [0.5], "$.n": [1]})
check(j.numincrby("doc:1", "$.n", 2), [3])
check(j.numincrby("doc:1", ".n", 2), 5)
check(j.nummultby("doc:1", "$.meta.score", 3), [1.5])
check(j.arrappend("doc:1", "$.tags", "y", "z"), [3])
check(j.arrindex("doc:1", "$.tags", "y"), [1])
check(j.arrinsert("doc:1", "$.tags", 0, "w"), [4])
check(j.arrlen("doc:1", "$.tags"), [4])
check(j.arrpop("doc:1", "$.tags"), ['"z"'])
check(j.arrtrim("doc:1", "$.tags", 0, 1), [2])
check(j.get("doc:1", "$.tags"), [["w", "x"]])
check(j.strappend("doc:1", "!", "$.title"), [len("Ünïcode!".encode())])
check(j.strlen("doc:1", "$.title"), [len("Ünïcode!".encode())])
check(j.objkeys("doc:1"), ["title", "n", "tags", "meta"])
check(j.objlen("doc:1"), 4)
check(j.type("doc:1", "$.meta"), ["object"])
check(j.type("doc:1", Path(".n")), "integer")
check(j.toggle("doc:1", "$.meta.ok"), [0])
check(j.set("doc:2", "$", {"title": "second", "n": 2}), True)
check(j.mget(["doc:1", "nokey", "doc:2"], "$.title"), [["Ünïcode!"], None, ["second"]])
check(j.set("doc:2", "$", {}, nx=True), None)
check(j.set("doc:3", "$", {}, xx=True), None)
check(j.set("doc:2", "$.extra", [1, 2], xx=True), None)
check(j.set("doc:2", "$.extra", [1, 2], nx=True), True)
check(j.resp("doc:1", "$.meta"), [["{", "ok", "false", "score", "1.5"]])
check(j.clear("doc:1", "$.tags"), 1)
check(j.delete("doc:1", "$.meta"), 1)
check(j.forget("doc:1", "$.n"), 1)
check(j.get("doc:1"), {"title": "Ünïcode!", "tags": []})
check(r.type("doc:1"), "ReJSON-RL")
check(j.delete("doc:1"), 1)
check(r.exists("doc:1"), 0)
try:
    j.get("doc:2", ".nope")
    raise SystemExit("a legacy path to nothing did not fail")
except redis.ResponseError as e:
    check(str(e), "Path does not exist")

# An index ON JSON (IndexType.JSON): fields at JSONPaths, a vector as a
# JSON array, documents answered whole as "$".
import struct

from redis.commands.search.field import NumericField, TagField, TextField, VectorField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search.query import Query

j.set("chunk:1", "$", {"text": "cats purr", "year": 2001, "genre": ["pets", "cats"], "emb": [1.0, 0.0, 0.0]})
j.set("chunk:2", "$", {"text": "dogs bark", "year": 2011, "genre": ["pets", "dogs"], "emb": [0.0, 1.0, 0.0]})
schema = (TextField("$.text", as_name="text"), NumericField("$.year", as_name="year"),
          TagField("$.genre[*]", as_name="genre"),
          VectorField("$.emb", "FLAT", {"TYPE": "FLOAT32", "DIM": 3, "DISTANCE_METRIC": "COSINE"}, as_name="emb"))
check(r.ft("chunks").create_index(schema, definition=IndexDefinition(prefix=["chunk:"], index_type=IndexType.JSON)), "OK")
res = r.ft("chunks").search(Query("@genre:{cats}"))
check((res.total, [(d.id, d.json) for d in res.docs]),
      (1, [("chunk:1", '{"text":"cats purr","year":2001,"genre":["pets","cats"],"emb":[1.0,0.0,0.0]}')]))
q = Query("(@year:[2000 2020])=>[KNN 2 @emb $v AS score]").sort_by("score").return_fields("text", "score").dialect(2)
res = r.ft("chunks").search(q, query_params={"v": struct.pack("<3f", 0, 1, 0)})
check([(d.id, d.text, d.score) for d in res.docs], [("chunk:2", "dogs bark", "0"), ("chunk:1", "cats purr", "1")])
j.set("chunk:3", "$", {"text": "cats nap", "year": 2020, "genre": ["cats"], "emb": [0.5, 0.5, 0.0]})
check(r.ft("chunks").search(Query("@genre:{cats}").no_content()).total, 2)
check(r.ft("chunks").info()["index_definition"], ["key_type", "JSON", "prefixes", ["chunk:"], "default_score", "1"])
print("ok", checks)
