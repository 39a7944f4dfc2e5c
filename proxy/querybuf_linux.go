package proxy

// releaseIdleBuffers frees the query buffers of the loop's clients that
// sent nothing for qbufIdle: an idle client then holds no read buffer
// (16 KiB otherwise).
func (l *loop) releaseIdleBuffers() {
	for _, lc := range l.clients {
		if !lc.handing && lc.rd.Cap() > 0 && lc.rd.Buffered() == 0 && l.now.Sub(lc.lastIO) >= qbufIdle {
			lc.rd.Release()
		}
	}
}
