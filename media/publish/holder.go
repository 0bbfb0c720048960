package publish

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// holder says which process wrote a lock, so that a later publish on the
// same machine can tell a holder that died (a crash, kill -9, a reboot)
// from one still running, and take its lock over at once instead of
// waiting for it to expire.
type holder struct {
	Host string `json:"host,omitempty"`
	PID  int    `json:"pid,omitempty"`
	// PIDStart is when the process started (Linux: /proc/PID/stat field
	// 22), so a pid reused by another program does not pass for the holder.
	PIDStart string `json:"pid_start,omitempty"`
	// Boot names this boot of the machine and the pid namespace (Linux):
	// two containers given one host name, or the same name after a
	// reboot, are not this process's machine, and their pids say nothing
	// here.
	Boot string `json:"boot,omitempty"`
}

// thisHolder describes this process.
func thisHolder() holder {
	h, _ := os.Hostname()
	pid := os.Getpid()
	return holder{Host: h, PID: pid, PIDStart: procStart(pid), Boot: bootID()}
}

// bootID is the kernel's id of this boot and the pid namespace of this
// process, or "" where there is no /proc.
func bootID() string {
	id, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	ns, _ := os.Readlink("/proc/self/ns/pid")
	return strings.TrimSpace(string(id)) + " " + ns
}

// heldTokens are the tokens of the locks this process holds now: a lock
// naming this very process is held by a publish still running only when
// its token is here (tests, and any program running several publishes in
// one process, meet their own dead publishes' locks).
var heldTokens sync.Map

// dead reports whether the lock body's holder is provably no longer
// running: it is on this machine (same host name, boot and pid namespace),
// and its process is gone or is another program now. A lock from another machine, or from a feedpub that did not
// record its process, is never dead by this test (it still expires).
func (b lockBody) dead() (bool, string) {
	h := b.holder
	me := thisHolder()
	if h.Host == "" || h.PID <= 0 || h.Host != me.Host || h.Boot != me.Boot {
		return false, ""
	}
	if h.PID == me.PID && h.PIDStart == me.PIDStart {
		if _, ok := heldTokens.Load(b.Token); ok {
			return false, ""
		}
		return true, fmt.Sprintf("its publish in this process (pid %d) has ended", h.PID)
	}
	if h.PIDStart != "" && procReadable() {
		if procStart(h.PID) != h.PIDStart {
			return true, fmt.Sprintf("process %d on %s is no longer running", h.PID, h.Host)
		}
		return false, ""
	}
	if !alive(h.PID) {
		return true, fmt.Sprintf("process %d on %s is no longer running", h.PID, h.Host)
	}
	return false, ""
}

// procStart returns the start time of process pid from /proc (clock ticks
// since boot), or "" when there is no such process or no /proc.
func procStart(pid int) string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); field 22 is starttime.
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

// procReadable reports whether /proc describes this process, so that a
// missing /proc/PID means the process is gone.
func procReadable() bool { return procStart(os.Getpid()) != "" }
