# What redis-py 4.3.4's search API sends beyond FT.SEARCH: run against a
# node and through the proxy. Prints "ok" when every check holds.
import sys, redis
from redis.commands.search.field import TagField, TextField, NumericField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search.suggestion import Suggestion

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
ft = r.ft("pyc")
ft.create_index([TextField("title"), TagField("genre"), NumericField("year")],
                definition=IndexDefinition(prefix=["pyc:"], index_type=IndexType.HASH))
for i, (t, g) in enumerate([("hello world", "pets"), ("hello kitty", "toys"), ("help wanted", "jobs")]):
    r.hset(f"pyc:{i}", mapping={"title": t, "genre": g, "year": 2000 + i})

assert sorted(ft.tagvals("genre")) == ["jobs", "pets", "toys"], ft.tagvals("genre")
plan = ft.explain("@genre:{pets} @year:[2000 2001]")
assert plan == "INTERSECT {\n  TAG:@genre {\n    pets\n  }\n  NUMERIC {2000.000000 <= @year <= 2001.000000}\n}\n", repr(plan)
sc = ft.spellcheck("helo wrld")
assert [s["suggestion"] for s in sc["helo"]] == ["hello", "help"], sc
assert sc["wrld"][0]["suggestion"] == "world", sc

assert ft.config_get("TIMEOUT") == {"TIMEOUT": "500"}, ft.config_get("TIMEOUT")
assert ft.config_set("TIMEOUT", 1000)
assert ft.config_get("TIMEOUT") == {"TIMEOUT": "1000"}
assert ft.config_set("TIMEOUT", 500)
assert "MAXSEARCHRESULTS" in ft.config_get("*")

ft.aliasadd("pyalias")
assert r.ft("pyalias").search("@genre:{toys}").total == 1
assert r.ft("pyalias").info()["index_name"] == "pyc"
r.ft("pyalias").aliasdel("pyalias")

info = r.execute_command("FT.INFO", "pyc")
names = info[0::2]
want = ["index_name", "index_options", "index_definition", "attributes", "num_docs", "max_doc_id",
        "num_terms", "num_records", "inverted_sz_mb", "vector_index_sz_mb", "total_inverted_index_blocks",
        "offset_vectors_sz_mb", "doc_table_size_mb", "sortable_values_size_mb", "key_table_size_mb",
        "records_per_doc_avg", "bytes_per_record_avg", "offsets_per_term_avg", "offset_bits_per_record_avg",
        "hash_indexing_failures", "total_indexing_time", "indexing", "percent_indexed", "number_of_uses",
        "gc_stats", "cursor_stats", "dialect_stats"]
assert names == want, names
assert int(ft.info()["num_docs"]) == 3

assert ft.sugadd("pyc:sug", Suggestion("hello world", 2), Suggestion("help", 3, payload="p")) == 2
got = ft.sugget("pyc:sug", "hel", with_payloads=True)
assert [(s.string, s.payload) for s in got] == [("help", "p"), ("hello world", None)], [(s.string, s.payload) for s in got]
assert ft.suglen("pyc:sug") == 2

assert ft.dropindex(delete_documents=False)
assert r.exists("pyc:0") == 1
ft.create_index([TextField("title")], definition=IndexDefinition(prefix=["pyc:"], index_type=IndexType.HASH))
assert ft.dropindex(delete_documents=True)
assert r.exists("pyc:0", "pyc:1", "pyc:2") == 0
assert "pyc" not in r.execute_command("FT._LIST")
print("ok")
