// Package ft is vcache's RediSearch dialect: FT.CREATE schemas, the
// FT.SEARCH query language (tag, numeric and text filters, KNN), and the
// search indexes over hash documents that the node keeps consistent with
// its keyspace.
//
// The package knows nothing of the keyspace or the network: the node
// feeds it documents (Catalog.HashChanged, Catalog.KeyRemoved) and gives
// Search a function to load the fields of the documents it returns.
package ft
