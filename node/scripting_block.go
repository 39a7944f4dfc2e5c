package node

// refuseBlockInScript answers XREAD and XREADGROUP with BLOCK called from
// a script as Redis 7 does, naming the command as the script wrote it,
// and reports whether it did.
func refuseBlockInScript(cx *Ctx, block bool) bool {
	if !block || !cx.cl.script {
		return false
	}
	cx.Error("ERR " + string(cx.Args[0]) + " command is not allowed with BLOCK option from scripts")
	return true
}
