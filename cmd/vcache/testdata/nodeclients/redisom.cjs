// redis-om 0.4 (Redis's object mapper for Node.js) over RediSearch and
// RedisJSON at 127.0.0.1:PORT: the same three albums as JSON documents
// and as hashes, an index per form, and the searches its fluent API
// builds (tags, numeric ranges, sorting, text, booleans, geo radius,
// counts, pages). Prints what each search returned, as JSON.
const { createClient } = require('redis');
const { Schema, Repository } = require('redis-om');

(async () => {
  const port = +process.argv[2];
  const redis = createClient({ url: `redis://127.0.0.1:${port}` });
  redis.on('error', e => { console.error(e.message); process.exit(2); });
  await redis.connect();
  const out = [];
  for (const dataStructure of ['JSON', 'HASH']) {
    const schema = new Schema(`album${dataStructure}`, {
      artist: { type: 'string' }, title: { type: 'text' }, year: { type: 'number', sortable: true },
      genres: { type: 'string[]' }, outOfPublication: { type: 'boolean' }, loc: { type: 'point' },
    }, { dataStructure });
    const repo = new Repository(schema, redis);
    await repo.createIndex();
    const albums = [
      ['Mushroomhead', 'The Righteous & The Butterfly', 2014, ['metal'], true, { longitude: 12.5, latitude: 55.6 }],
      ['Mushroomhead', 'XIII', 2003, ['metal', 'rock'], false, { longitude: 13.4, latitude: 52.5 }],
      ['Sleep Token', 'Take Me Back to Eden', 2023, ['metal', 'pop'], false, { longitude: -0.1, latitude: 51.5 }],
    ];
    for (const [artist, title, year, genres, outOfPublication, loc] of albums) {
      await repo.save({ artist, title, year, genres, outOfPublication, loc });
    }
    const titles = es => es.map(e => e.title).sort();
    const rec = (what, v) => out.push([dataStructure, what, v]);
    rec('artist equals', titles(await repo.search().where('artist').equals('Mushroomhead').return.all()));
    rec('year gt', titles(await repo.search().where('year').gt(2010).return.all()));
    rec('sorted by year desc', (await repo.search().sortBy('year', 'DESC').return.all()).map(e => e.year));
    rec('genres contain', titles(await repo.search().where('genres').contains('rock').return.all()));
    rec('title matches', titles(await repo.search().where('title').matches('eden').return.all()));
    rec('title matches exactly', titles(await repo.search().where('title').matchExact('take me back').return.all()));
    rec('boolean', titles(await repo.search().where('outOfPublication').true().return.all()));
    rec('within 500 km', titles(await repo.search().where('loc').inRadius(c => c.origin(12.5, 55.6).radius(500).kilometers).return.all()));
    rec('count between', await repo.search().where('year').between(2000, 2020).return.count());
    rec('page 2 of 1', (await repo.search().sortBy('year').return.page(1, 1)).map(e => e.year));
    rec('first', (await repo.search().where('artist').eq('Sleep Token').return.first())?.title);
    await repo.dropIndex();
  }
  console.log(JSON.stringify(out));
  await redis.quit();
})().catch(e => { console.error(e); process.exit(1); });
