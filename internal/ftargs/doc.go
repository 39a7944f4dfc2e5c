// Package ftargs is the FT.SEARCH argument grammar that the data node and
// the proxy share: it parses the arguments after the index name (the
// query string, then the options and their values) into a typed Search,
// renders a Search back into arguments, and reads a query's KNN clause,
// the part of the query string the proxy needs to merge the shards'
// results. Its errors carry RediSearch 2.8's texts, so a bad command gets
// the same reply from a node and through the proxy.
//
// The rest of the query string (@field:{tags}, [ranges], words) is the
// node's business (vector/ft). The package uses only the standard library.
package ftargs
