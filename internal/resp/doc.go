// Package resp reads and writes RESP2, and writes RESP3.
//
// Replies (simple strings, errors, integers, bulk strings and the null
// bulk, arrays and the null array): Reader finds where each reply ends
// without allocating and hands out its raw bytes, so a reply can be passed
// on untouched; Parse turns raw bytes into a Value when a reply must be
// inspected or merged; the Append functions encode replies (an error's or
// a simple string's CR and LF as spaces, as Redis writes them, so text a
// client sent cannot end such a reply early).
//
// RESP3 (for clients that said HELLO 3): the Append functions of
// writer3.go encode its maps, sets, doubles, nulls, booleans and verbatim
// strings; To3 turns a RESP2 reply into its RESP3 form given the Shape of
// its command's reply, so a server that reads RESP2 from others can answer
// a RESP3 client.
//
// Commands: CommandReader reads what clients send (arrays of bulk strings,
// and inline commands typed in telnet), a whole pipeline at a time,
// without allocating; AppendCommand encodes a command.
//
// It serves connections that carry commands one way and replies the
// other, such as the proxy's, and tests.
package resp
