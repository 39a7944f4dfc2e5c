// Package ft is vcache's RediSearch dialect: FT.CREATE schemas, the
// FT.SEARCH query language in RediSearch's dialects (tag, numeric and
// text filters, and in DIALECT 2 and up $parameters, vector ranges and
// KNN; DIALECT 1 is RediSearch 2.8's first grammar), and the
// search indexes over hash documents that the node keeps consistent with
// its keyspace.
//
// The package knows nothing of the keyspace or the network: the node
// feeds it documents (Catalog.HashChanged, Catalog.KeyRemoved) and gives
// SearchDocs and Aggregate the reads of the fields they return (Docs),
// made after the match and off the index's lock; the index watches the
// documents that change meanwhile, so that a search answers as of one
// moment all the same (view.go).
package ft
