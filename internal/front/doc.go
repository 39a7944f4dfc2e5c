// Package front holds the commands that every vcache server answers at a
// client connection itself, written once for the data node and the proxy:
// PING, ECHO, SELECT, AUTH, HELLO, QUIT, RESET, CLIENT and COMMAND.
//
// Each is a function of a Conn, the small view of a connection that both
// servers implement, and writes its reply through the Conn's Reply
// methods; neither server's connection type is known here. Parsing and
// reply texts follow Redis 7.
package front
