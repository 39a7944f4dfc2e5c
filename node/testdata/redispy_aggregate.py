import sys, redis
from redis.commands.search.field import NumericField, TagField, TextField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search.aggregation import AggregateRequest, Asc, Desc
from redis.commands.search import reducers

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
r.ft("shop").create_index([TagField("brand"), NumericField("price", sortable=True), TextField("title")],
                          definition=IndexDefinition(prefix=["p:"], index_type=IndexType.HASH))
for i in range(20):
    r.hset(f"p:{i}", mapping={"brand": f"b{i % 4}", "price": i, "title": f"item {i}"})
req = (AggregateRequest("*").group_by("@brand", reducers.count().alias("n"), reducers.sum("@price").alias("total"))
       .sort_by(Desc("@total")).limit(0, 2))
res = r.ft("shop").aggregate(req)
print([row for row in res.rows])
req = AggregateRequest("*").load("@price").apply(double="@price * 2").cursor(count=6)
res = r.ft("shop").aggregate(req)
seen = [row[1] for row in res.rows]
while res.cursor.cid:
    res = r.ft("shop").aggregate(res.cursor)
    seen += [row[1] for row in res.rows]
print(len(seen), len(set(seen)), sorted(int(x) for x in seen) == list(range(20)))
