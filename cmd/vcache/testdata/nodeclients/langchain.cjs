// LangChain.js's Redis integration (@langchain/redis: RedisVectorStore
// over FT.CREATE/HSET/FT.SEARCH KNN, RedisChatMessageHistory over lists)
// against 127.0.0.1:PORT, with fixed 4-d embeddings so that the answers
// follow from the documents. Prints what each call returned, as JSON.
const { createClient } = require('redis');
const { RedisVectorStore, RedisChatMessageHistory } = require('@langchain/redis');
const { Document } = require('@langchain/core/documents');
const { HumanMessage, AIMessage } = require('@langchain/core/messages');

// Cosine distances to the query "purring": cats 0, dogs 0.2, cars 1.
const vectors = {
  'cats purr': [1, 0, 0, 0], 'dogs bark': [0.8, 0.6, 0, 0], 'cars honk': [0, 0, 1, 0], purring: [1, 0, 0, 0],
};
const embeddings = {
  embedDocuments: async texts => texts.map(t => vectors[t]),
  embedQuery: async t => vectors[t],
};

(async () => {
  const port = +process.argv[2];
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on('error', e => { console.error(e.message); process.exit(2); });
  await client.connect();
  const out = [];
  const store = new RedisVectorStore(embeddings, { redisClient: client, indexName: 'lcdocs' });
  await store.addDocuments([
    new Document({ pageContent: 'cats purr', metadata: { kind: 'animal' } }),
    new Document({ pageContent: 'dogs bark', metadata: { kind: 'animal' } }),
    new Document({ pageContent: 'cars honk', metadata: { kind: 'machine' } }),
  ]);
  const scored = await store.similaritySearchWithScore('purring', 2);
  out.push(['nearest 2', scored.map(([d, s]) => [d.pageContent, d.metadata.kind, Math.round(s * 1000) / 1000])]);
  out.push(['filtered', (await store.similaritySearch('purring', 3, ['machine'])).map(d => d.pageContent)]);
  const history = new RedisChatMessageHistory({ sessionId: 'chat1', client });
  await history.addMessage(new HumanMessage('hi'));
  await history.addMessage(new AIMessage('hello'));
  out.push(['history', (await history.getMessages()).map(m => [m._getType(), m.content])]);
  await history.clear();
  out.push(['history cleared', (await history.getMessages()).length]);
  await store.delete({ deleteAll: true });
  out.push(['index dropped', await client.sendCommand(['FT._LIST'])]);
  console.log(JSON.stringify(out));
  await client.quit();
})().catch(e => { console.error(e); process.exit(1); });
